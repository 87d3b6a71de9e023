// SPDX-License-Identifier: GPL-2.0
/*
 * forge: datagrams sealed as a neighbour seals them, with libsodium, for
 * the selftests that play a hostile or broken neighbour:
 *
 *   forge [--gso] KEYFILE TYPE RX_INDEX COUNTER HEX [HOST:PORT [COUNT]]
 *
 * Seals the plaintext HEX in full mode (Documentation/protocol.md: the
 * link header as associated data, the nonce 4 zero bytes and the
 * little-endian counter) under the link key in KEYFILE (base64, as
 * fennec set takes it), with a link header of TYPE (4 forward, 6 direct)
 * and RX_INDEX. Without HOST:PORT it prints the datagram as hex; with it,
 * it sends COUNT of them (default 1), counters COUNTER, COUNTER + 1, ...,
 * and prints "sent N", those the kernel took. HOST as udp_tool takes it.
 * --gso: the COUNT datagrams (at most 64, 64 KiB in all) leave in one
 * sendmsg() with UDP_SEGMENT, so the receiving host's socket gets them as
 * segments of one GSO packet: their payload in page fragments.
 * Exit status 0 on success, 1 on failure, 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "endpoint.h"

#define HDR	16
#define TAG	16
#define MAX	65507
#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif
#define GSO_MAX	64

static int usage(void)
{
	fprintf(stderr, "usage: forge [--gso] KEYFILE TYPE RX_INDEX COUNTER HEX [HOST:PORT [COUNT]]\n");
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

/*
 * The @count datagrams of @len bytes at @buf in one sendmsg() cut into
 * @len-byte segments: those the kernel took (all or none), or -1.
 */
static long send_gso(int fd, const union endpoint *ep, unsigned char *buf,
		     size_t len, long count)
{
	char control[CMSG_SPACE(sizeof(uint16_t))] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len * count };
	struct msghdr msg = {
		.msg_name = (void *)&ep->sa, .msg_namelen = endpoint_len(ep),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control, .msg_controllen = sizeof(control),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	uint16_t size = len;

	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(size));
	memcpy(CMSG_DATA(cm), &size, sizeof(size));
	if (sendmsg(fd, &msg, 0) == (ssize_t)(len * count))
		return count;
	if (errno == ECONNREFUSED || errno == ENOBUFS)
		return 0;
	fprintf(stderr, "forge: sendmsg with UDP_SEGMENT: %s\n",
		strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	static unsigned char plain[MAX], dgram[MAX + HDR + TAG];
	static unsigned char train[MAX];
	unsigned long long counter;
	union endpoint ep;
	unsigned char key[32];
	unsigned long type, rx_index;
	long count = 1, sent = 0;
	bool gso = false;
	size_t n, len;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "--gso")) {
		gso = true;
		argv++;
		argc--;
	}
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
	if (gso) {
		len = seal(dgram, plain, n, type, rx_index, counter, key);
		if (count > GSO_MAX || len * count > sizeof(train)) {
			fprintf(stderr, "forge: --gso: at most %d datagrams, %zu bytes\n",
				GSO_MAX, sizeof(train));
			return 2;
		}
		for (long i = 0; i < count; i++)
			seal(train + i * len, plain, n, type, rx_index,
			     counter + i, key);
		sent = send_gso(fd, &ep, train, len, count);
		if (sent < 0)
			return 1;
		printf("sent %ld\n", sent);
		return 0;
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
