// SPDX-License-Identifier: GPL-2.0
/*
 * aead_check KEYFILE < HEX: checks a datagram the kernel sealed with a
 * link key (link header, ciphertext, tag) against libsodium: libsodium's
 * IETF ChaCha20-Poly1305 must open it (nonce: 4 zero bytes and the header's
 * little-endian counter, the header as associated data), and sealing the
 * plaintext again with libsodium must give the kernel's bytes exactly.
 * Prints "plaintext N bytes, counter C: libsodium agrees"; exit 0 if so.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define HDR 16

static int read_key(const char *path, unsigned char key[32])
{
	char text[128];
	size_t len;
	FILE *f = fopen(path, "r");

	if (!f || !fgets(text, sizeof(text), f))
		return -1;
	fclose(f);
	return sodium_base642bin(key, 32, text, strlen(text), " \n", &len, NULL,
				 sodium_base64_VARIANT_ORIGINAL) || len != 32 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static unsigned char dgram[65536], plain[65536], again[65536];
	static char hex[2 * 65536 + 2];
	unsigned char key[32], nonce[12] = { 0 };
	unsigned long long plen, clen;
	size_t len;

	if (argc != 2 || sodium_init() < 0 || read_key(argv[1], key) ||
	    !fgets(hex, sizeof(hex), stdin) ||
	    sodium_hex2bin(dgram, sizeof(dgram), hex, strlen(hex), "\n", &len,
			   NULL) || len < HDR + 16) {
		fprintf(stderr, "usage: aead_check KEYFILE < HEX (a sealed datagram)\n");
		return 2;
	}
	memcpy(nonce + 4, dgram + 8, 8);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(plain, &plen, NULL,
						      dgram + HDR, len - HDR,
						      dgram, HDR, nonce, key)) {
		printf("libsodium cannot open the kernel's datagram\n");
		return 1;
	}
	crypto_aead_chacha20poly1305_ietf_encrypt(again, &clen, plain, plen,
						  dgram, HDR, NULL, nonce, key);
	if (clen != len - HDR || memcmp(again, dgram + HDR, clen)) {
		printf("libsodium seals the same plaintext differently\n");
		return 1;
	}
	printf("plaintext %llu bytes, counter %llu: libsodium agrees\n", plen,
	       (unsigned long long)dgram[8] | (unsigned long long)dgram[9] << 8);
	return 0;
}
