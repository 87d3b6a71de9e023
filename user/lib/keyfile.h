/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys read from files: one base64 key, optionally surrounded by whitespace.
 * PATH "-" is stdin. Errors are logged, naming the file and the problem.
 */
#ifndef FENNEC_KEYFILE_H
#define FENNEC_KEYFILE_H

#include <stdint.h>
#include <sys/types.h>
#include <linux/fennec.h>

/* 0 or -1. */
int keyfile_read_public(const char *path, uint8_t key[FENNEC_KEY_LEN]);
/* Also warns if others can access the file. KEY: guarded memory, ideally. */
int keyfile_read_private(const char *path, uint8_t *key);
/*
 * Reads a private key into guarded memory, derives its public key and wipes
 * the private one. 0 or -1.
 */
int keyfile_read_public_of_private(const char *path,
				   uint8_t public_key[FENNEC_KEY_LEN]);
/*
 * Reads all of FD into BUF, up to MAX bytes: the length, or -1 with errno
 * (EFBIG if there is more).
 */
ssize_t keyfile_read_all(int fd, char *buf, size_t max);
/* Warns if others may access FD's file (a secret's); NAME names it. */
void keyfile_warn_if_exposed(int fd, const char *name);

#endif
