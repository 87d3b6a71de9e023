// SPDX-License-Identifier: GPL-2.0
/*
 * forge: datagrams sealed as a neighbour seals them, with libsodium, for
 * the selftests that play a hostile or broken neighbour:
 *
 *   forge KEYFILE TYPE RX_INDEX COUNTER HEX [HOST:PORT [COUNT]]
 *
 * Seals the plaintext HEX in full mode (Documentation/protocol.md: the
 * link header as associated data, the nonce 4 zero bytes and the
 * little-endian counter) under the link key in KEYFILE (base64, as
 * fennec set takes it), with a link header of TYPE (4 forward, 6 direct)
 * and RX_INDEX. Without HOST:PORT it prints the datagram as hex; with it,
 * it sends COUNT of them (default 1), counters COUNTER, COUNTER + 1, ...,
 * and prints "sent N", those the kernel took. HOST as udp_tool takes it.
 * Exit status 0 on success, 1 on failure, 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "endpoint.h"

#define HDR	16
#define TAG	16
#define MAX	65507

static int usage(void)
{
	fprintf(stderr, "usage: forge KEYFILE TYPE RX_INDEX COUNTER HEX [HOST:PORT [COUNT]]\n");
	return 2;
}

static int read_key(const char *path, unsigned char key[32])
{
	char text[128];
	size_t len;
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(text, sizeof(text), f) != NULL;
	fclose(f);
	return !ok || sodium_base642bin(key, 32, text, strlen(text), " \n", &len,
					NULL, sodium_base64_VARIANT_ORIGINAL) ||
	       len != 32 ? -1 : 0;
}

/* The link header and the sealed plaintext into out: its length. */
static size_t seal(unsigned char *out, const unsigned char *plain, size_t n,
		   unsigned int type, uint32_t rx_index, uint64_t counter,
		   const unsigned char key[32])
{
	unsigned char nonce[12] = { 0 };
	unsigned long long clen;

	memset(out, 0, HDR);
	out[0] = type;
	for (int i = 0; i < 4; i++)
		out[4 + i] = rx_index >> (8 * i);
	for (int i = 0; i < 8; i++)
		out[8 + i] = counter >> (8 * i);
	memcpy(nonce + 4, out + 8, 8);
	crypto_aead_chacha20poly1305_ietf_encrypt(out + HDR, &clen, plain, n,
						  out, HDR, NULL, nonce, key);
	return HDR + clen;
}

int main(int argc, char **argv)
{
	static unsigned char plain[MAX], dgram[MAX + HDR + TAG];
	unsigned long long counter;
	union endpoint ep;
	unsigned char key[32];
	unsigned long type, rx_index;
	long count = 1, sent = 0;
	size_t n, len;
	int fd;

	if (argc < 6 || argc > 8 || sodium_init() < 0)
		return usage();
	type = strtoul(argv[2], NULL, 0);
	rx_index = strtoul(argv[3], NULL, 0);
	counter = strtoull(argv[4], NULL, 0);
	if (argc > 7)
		count = atol(argv[7]);
	if (read_key(argv[1], key) || type > 255 || rx_index > UINT32_MAX ||
	    count < 1 || strlen(argv[5]) % 2 ||
	    sodium_hex2bin(plain, sizeof(plain) - HDR - TAG, argv[5],
			   strlen(argv[5]), NULL, &n, NULL) ||
	    (argc > 6 && parse_endpoint(argv[6], &ep)))
		return usage();
	if (argc == 6) {
		len = seal(dgram, plain, n, type, rx_index, counter, key);
		for (size_t i = 0; i < len; i++)
			printf("%02x", dgram[i]);
		printf("\n");
		return 0;
	}
	fd = socket(ep.sa.sa_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "forge: socket: %s\n", strerror(errno));
		return 1;
	}
	for (long i = 0; i < count; i++) {
		len = seal(dgram, plain, n, type, rx_index, counter + i, key);
		if (sendto(fd, dgram, len, 0, &ep.sa, endpoint_len(&ep)) ==
		    (ssize_t)len) {
			sent++;
		} else if (errno != ECONNREFUSED && errno != ENOBUFS) {
			fprintf(stderr, "forge: sendto: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("sent %ld\n", sent);
	return 0;
}
