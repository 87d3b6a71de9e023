// SPDX-License-Identifier: GPL-2.0
/*
 * aead_check KEYFILE < HEX: checks a datagram the kernel sealed with a
 * link key (link header, ciphertext, tag) against libsodium: libsodium's
 * IETF ChaCha20-Poly1305 must open it (nonce: 4 zero bytes and the header's
 * little-endian counter, the header as associated data), and sealing the
 * plaintext again with libsodium must give the kernel's bytes exactly.
 * Prints "plaintext N bytes, counter C: libsodium agrees"; exit 0 if so.
 *
 * aead_check --seal-fast KEYFILE RX_INDEX COUNTER < HEX: prints the
 * fast-mode datagram (link type 5) a neighbour would send of plaintext HEX:
 * its first 36 bytes (forwarding and e2e headers) sealed with the link
 * header and HEX's last 16 bytes (the e2e tag) as associated data, the
 * rest as it is, the link tag last. Tests craft headers with it that no
 * kernel sends.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 16
#define FAST_SEALED 36
#define TAG 16

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

static void print_hex(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		printf("%02x", p[i]);
}

static int seal_fast(const unsigned char key[32], uint32_t rx_index,
		     uint64_t counter, const unsigned char *p, size_t len)
{
	unsigned char hdr[HDR] = { 5 }, ad[HDR + TAG], nonce[12] = { 0 };
	unsigned char head[FAST_SEALED + TAG];
	unsigned long long clen;

	if (len < FAST_SEALED + TAG)
		return 2;
	for (int i = 0; i < 4; i++)
		hdr[4 + i] = rx_index >> (8 * i);
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = counter >> (8 * i);
	memcpy(nonce + 4, hdr + 8, 8);
	memcpy(ad, hdr, HDR);
	memcpy(ad + HDR, p + len - TAG, TAG);
	crypto_aead_chacha20poly1305_ietf_encrypt(head, &clen, p, FAST_SEALED,
						  ad, sizeof(ad), NULL, nonce,
						  key);
	print_hex(hdr, HDR);
	print_hex(head, FAST_SEALED);
	print_hex(p + FAST_SEALED, len - FAST_SEALED);
	print_hex(head + FAST_SEALED, TAG);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char dgram[65536], plain[65536], again[65536];
	static char hex[2 * 65536 + 2];
	unsigned char key[32], nonce[12] = { 0 };
	unsigned long long plen, clen;
	size_t len;

	if (argc == 5 && !strcmp(argv[1], "--seal-fast")) {
		if (sodium_init() < 0 || read_key(argv[2], key) ||
		    !fgets(hex, sizeof(hex), stdin) ||
		    sodium_hex2bin(plain, sizeof(plain), hex, strlen(hex), "\n",
				   &len, NULL) ||
		    seal_fast(key, strtoul(argv[3], NULL, 0),
			      strtoull(argv[4], NULL, 0), plain, len)) {
			fprintf(stderr, "usage: aead_check --seal-fast KEYFILE RX_INDEX COUNTER < HEX (36 bytes or more, and a tag)\n");
			return 2;
		}
		return 0;
	}
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
