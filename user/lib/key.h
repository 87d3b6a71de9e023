/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node keys and addresses: X25519 keys as base64 text, and the node address
 * a public key stands for (see FENNEC_ADDR_PREFIX in linux/fennec.h).
 * Call sodium_init() before any of these.
 */
#ifndef FENNEC_KEY_H
#define FENNEC_KEY_H

#include <netinet/in.h>
#include <stdint.h>
#include <linux/fennec.h>

/* Base64 of a key: 43 characters, one '=' of padding, and a NUL. */
#define KEY_BASE64_LEN 45

void key_to_base64(char b64[KEY_BASE64_LEN], const uint8_t key[FENNEC_KEY_LEN]);
/* Strict: exactly 44 characters of canonical, padded base64. 0 or -1. */
int key_from_base64(uint8_t key[FENNEC_KEY_LEN], const char *b64);

void key_generate(uint8_t private_key[FENNEC_KEY_LEN]);
/* 0, or -1 if the private key gives no usable public key. */
int key_public(uint8_t public_key[FENNEC_KEY_LEN],
	       const uint8_t private_key[FENNEC_KEY_LEN]);
void key_address(struct in6_addr *address,
		 const uint8_t public_key[FENNEC_KEY_LEN]);

#endif
