// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../lib/key.h"
#include "../lib/keyfile.h"
#include "../lib/parse.h"
#include "config.h"

_Static_assert(CONFIG_PSK_LEN == FENNEC_KEY_LEN,
	       "preshared keys are read like node keys");

/* Room for a key and generous whitespace around it. */
#define PSK_FILE_MAX 256
/* How much of a value or name a message quotes. */
#define QUOTE_MAX 64

__attribute__((format(printf, 2, 3)))
static int set_error(char err[CONFIG_ERR_LEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, CONFIG_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* Why parse_endpoint() refused S. */
static const char *endpoint_problem(const char *s)
{
	char host[INET6_ADDRSTRLEN];
	uint8_t addr[sizeof(struct in6_addr)];
	const char *end;
	size_t n;

	if (!*s)
		return "expected HOST:PORT";
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end)
			return "no ']' after the IPv6 address";
		if (end[1] != ':')
			return "no port: expected [ADDR]:PORT";
		n = end - s - 1;
		if (n >= sizeof(host))
			return "not an IPv6 address";
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, addr) != 1)
			return "not an IPv6 address";
		return "the port is not a number from 1 to 65535";
	}
	end = strchr(s, ':');
	if (!end)
		return "no port: expected ADDR:PORT";
	n = end - s;
	if (n < sizeof(host)) {
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, addr) == 1)
			return "the port is not a number from 1 to 65535";
	}
	if (strchr(end + 1, ':'))
		return "an IPv6 address needs brackets: [ADDR]:PORT";
	return "not an IPv4 address (host names are not supported)";
}

static int bad_peer_key(char err[CONFIG_ERR_LEN], const char *spec,
			size_t keylen)
{
	return set_error(err, "peer \"%.128s\": invalid public key \"%.*s\": not 32 bytes of base64",
			 spec, (int)(keylen < QUOTE_MAX ? keylen : QUOTE_MAX),
			 spec);
}

int config_parse_peer_arg(struct peer_config *p, const char *spec,
			  char err[CONFIG_ERR_LEN])
{
	const char *at = strchr(spec, '@');
	size_t keylen = at ? (size_t)(at - spec) : strlen(spec);
	char key[KEY_BASE64_LEN];

	memset(p, 0, sizeof(*p));
	p->mode = FENNEC_LINK_MODE_FULL;
	if (!*spec)
		return set_error(err, "peer \"\": expected PUBKEY or PUBKEY@HOST:PORT");
	if (!keylen)
		return set_error(err, "peer \"%.128s\": no public key before '@'",
				 spec);
	if (keylen >= sizeof(key))
		return bad_peer_key(err, spec, keylen);
	memcpy(key, spec, keylen);
	key[keylen] = '\0';
	if (key_from_base64(p->public_key, key))
		return bad_peer_key(err, spec, keylen);
	if (!at)
		return 0;
	if (parse_endpoint(at + 1, &p->endpoint))
		return set_error(err, "peer \"%.128s\": invalid endpoint \"%.*s\": %s",
				 spec, QUOTE_MAX, at + 1,
				 endpoint_problem(at + 1));
	p->has_endpoint = true;
	return 0;
}

struct peer_config *config_find_peer(const struct daemon_config *c,
				     const uint8_t key[FENNEC_KEY_LEN])
{
	for (size_t i = 0; i < c->npeers; i++)
		if (!sodium_memcmp(c->peers[i].public_key, key, FENNEC_KEY_LEN))
			return &c->peers[i];
	return NULL;
}

/*
 * Moves the peers to an array twice the size; sodium_free() wipes the old.
 * sodium_malloc() ends the array at a guard page, so it is aligned as far
 * as its size allows: whole structs keep it aligned for them.
 */
static int grow_peers(struct daemon_config *c)
{
	size_t cap = c->peers_cap ? 2 * c->peers_cap : 4;
	struct peer_config *peers = sodium_allocarray(cap, sizeof(*peers));

	if (!peers)
		return -1;
	if (c->npeers)
		memcpy(peers, c->peers, c->npeers * sizeof(*peers));
	sodium_free(c->peers);
	c->peers = peers;
	c->peers_cap = cap;
	return 0;
}

int config_add_peer(struct daemon_config *c, const struct peer_config *p,
		    char err[CONFIG_ERR_LEN])
{
	const struct peer_config *old = config_find_peer(c, p->public_key);
	char key[KEY_BASE64_LEN];

	if (old) {
		key_to_base64(key, p->public_key);
		if (old->line)
			return set_error(err, "peer %s is already the [Peer] on line %u",
					 key, old->line);
		return set_error(err, "peer %s is given twice", key);
	}
	if (c->npeers == c->peers_cap && grow_peers(c))
		return set_error(err, "out of memory for the peers");
	c->peers[c->npeers++] = *p;
	return 0;
}

const char *config_route_problem(const struct ip_prefix *p)
{
	/* fc00::/8 and P overlap if they agree on the bits both fix. */
	unsigned int n = p->len < 8 ? p->len : 8;
	uint8_t mask = n ? (uint8_t)(0xff << (8 - n)) : 0;

	if (prefix_has_host_bits(p))
		return "bits are set past its length";
	if (p->v6 && !((p->addr[0] ^ 0xfc) & mask))
		return p->len >= 8 ?
		       "it is inside fc00::/8, where node addresses and their /64s route" :
		       "it covers fc00::/8, where node addresses and their /64s route";
	return NULL;
}

/* TEXT as a prefix that can be routed into P; NULL, or why not. */
static const char *route_prefix(const char *text, struct ip_prefix *p)
{
	const char *why;

	if (parse_prefix(text, p, &why))
		return why;
	return config_route_problem(p);
}

int config_parse_route_arg(struct route_config *r, const char *spec,
			   char err[CONFIG_ERR_LEN])
{
	const char *eq = strchr(spec, '='), *why;
	char text[PREFIX_TEXT_LEN];
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!eq)
		return set_error(err, "route \"%.128s\": expected PREFIX=PUBKEY",
				 spec);
	n = eq - spec;
	if (n >= sizeof(text)) {
		why = "not ADDRESS/LENGTH";
	} else {
		memcpy(text, spec, n);
		text[n] = '\0';
		why = route_prefix(text, &r->prefix);
	}
	if (why)
		return set_error(err, "route \"%.128s\": invalid prefix \"%.*s\": %s",
				 spec, (int)(n < QUOTE_MAX ? n : QUOTE_MAX),
				 spec, why);
	if (key_from_base64(r->public_key, eq + 1))
		return set_error(err, "route \"%.128s\": invalid public key \"%.*s\": not 32 bytes of base64",
				 spec, QUOTE_MAX, eq + 1);
	return 0;
}

static bool same_prefix(const struct ip_prefix *a, const struct ip_prefix *b)
{
	return a->v6 == b->v6 && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

int config_add_route(struct daemon_config *c, const struct route_config *r,
		     char err[CONFIG_ERR_LEN])
{
	char text[PREFIX_TEXT_LEN], key[KEY_BASE64_LEN];
	struct route_config *routes;
	size_t cap;

	for (size_t i = 0; i < c->nroutes; i++) {
		const struct route_config *old = &c->routes[i];

		if (!same_prefix(&old->prefix, &r->prefix))
			continue;
		if (!memcmp(old->public_key, r->public_key, FENNEC_KEY_LEN))
			return 0;
		format_prefix(&r->prefix, text);
		key_to_base64(key, old->public_key);
		if (old->line)
			return set_error(err, "prefix %s is already routed to %s (the Prefix on line %u)",
					 text, key, old->line);
		return set_error(err, "prefix %s is already routed to %s (--route)",
				 text, key);
	}
	if (c->nroutes == CONFIG_ROUTES_MAX)
		return set_error(err, "more than %d routed prefixes",
				 CONFIG_ROUTES_MAX);
	if (c->nroutes == c->routes_cap) {
		cap = c->routes_cap ? 2 * c->routes_cap : 8;
		routes = reallocarray(c->routes, cap, sizeof(*routes));
		if (!routes)
			return set_error(err, "out of memory for the routes");
		c->routes = routes;
		c->routes_cap = cap;
	}
	c->routes[c->nroutes++] = *r;
	return 0;
}

/* What the kernel takes as a device name (dev_valid_name()). */
static bool valid_ifname(const char *s)
{
	if (parse_ifname(s) || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

static bool has_discover(const struct daemon_config *c, const char *name)
{
	for (size_t i = 0; i < c->ndiscover; i++)
		if (!strcmp(c->discover[i], name))
			return true;
	return false;
}

int config_add_discover(struct daemon_config *c, const char *name,
			char err[CONFIG_ERR_LEN])
{
	if (!*name)
		return set_error(err, "an empty interface name");
	if (!valid_ifname(name))
		return set_error(err, "\"%.*s\" is not an interface name (1 to %d bytes, no '/', ':' or whitespace)",
				 QUOTE_MAX, name, IFNAMSIZ - 1);
	if (has_discover(c, name))
		return set_error(err, "interface \"%s\" is named twice", name);
	if (c->ndiscover == CONFIG_DISCOVER_MAX)
		return set_error(err, "more than %d interfaces",
				 CONFIG_DISCOVER_MAX);
	strcpy(c->discover[c->ndiscover++], name);
	return 0;
}

int config_set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* The config file parser. */

enum section { SECTION_NONE, SECTION_INTERFACE, SECTION_PEER, SECTION_ROUTE };

static const char *const section_names[] = {
	[SECTION_NONE] = "",
	[SECTION_INTERFACE] = "[Interface]",
	[SECTION_PEER] = "[Peer]",
	[SECTION_ROUTE] = "[Route]",
};

enum key_id {
	KEY_INTERFACE, KEY_PRIVATE_KEY_FILE, KEY_PRIVATE_KEY, KEY_LISTEN_PORT,
	KEY_PUBLIC_KEY, KEY_ENDPOINT, KEY_PSK_FILE, KEY_PSK, KEY_MODE,
	KEY_KEEPALIVE, KEY_DISCOVER, KEY_ROUTE_PREFIX, KEY_ROUTE_PUBLIC_KEY,
	KEY_COUNT
};

struct parser {
	struct daemon_config *c;
	const char *path;
	char *err;
	unsigned int line;
	enum section section;
	unsigned int section_line;
	unsigned int interface_line;	/* of the [Interface]; 0: none yet */
	unsigned int seen[KEY_COUNT];	/* line of each key in the section */
	struct peer_config peer;	/* the [Peer] being read */
	/* The [Route] being read: its prefixes (each at least "::/0,") */
	struct ip_prefix route_prefixes[CONFIG_LINE_MAX / 5 + 1];
	size_t nroute_prefixes;
	uint8_t route_key[FENNEC_KEY_LEN];
};

__attribute__((format(printf, 3, 4)))
static int fail(const struct parser *p, unsigned int line, const char *fmt,
		...)
{
	int n = snprintf(p->err, CONFIG_ERR_LEN, "%s:%u: ", p->path, line);
	va_list ap;

	if (n < 0 || n >= CONFIG_ERR_LEN)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, CONFIG_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* PATH as it is if absolute, else relative to the file's directory. */
static char *resolve(const struct parser *p, const char *path)
{
	const char *slash = strrchr(p->path, '/');
	size_t dirlen = slash ? (size_t)(slash - p->path) + 1 : 0;
	char *s;

	if (path[0] == '/')
		dirlen = 0;
	s = malloc(dirlen + strlen(path) + 1);
	if (s) {
		memcpy(s, p->path, dirlen);
		strcpy(s + dirlen, path);
	}
	return s;
}

static char *trim(char *s)
{
	size_t len = strlen(s);

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	s[len] = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* Reads the preshared key in the file at PATH (TEXT: PSK_FILE_MAX + 1). */
static int read_psk_text(struct parser *p, const char *path, char *text)
{
	char name[PATH_MAX + 2];
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(p, p->line, "cannot open preshared key file \"%s\": %s",
			    path, strerror(errno));
	snprintf(name, sizeof(name), "\"%s\"", path);
	keyfile_warn_if_exposed(fd, name);
	len = keyfile_read_all(fd, text, PSK_FILE_MAX);
	close(fd);
	if (len < 0 && errno != EFBIG)
		return fail(p, p->line, "cannot read preshared key file \"%s\": %s",
			    path, strerror(errno));
	if (len < 0 || memchr(text, '\0', len))
		len = 0;
	text[len] = '\0';
	if (key_from_base64(p->peer.psk, trim(text)))
		return fail(p, p->line, "invalid preshared key in \"%s\": not 32 bytes of base64",
			    path);
	p->peer.has_psk = true;
	return 0;
}

static int set_psk_file(struct parser *p, const char *value)
{
	char *path = resolve(p, value);
	char *text = sodium_malloc(PSK_FILE_MAX + 1);
	int ret;

	if (!path || !text)
		ret = fail(p, p->line, "out of memory");
	else
		ret = read_psk_text(p, path, text);
	if (text) {
		sodium_memzero(text, PSK_FILE_MAX + 1);
		sodium_free(text);
	}
	free(path);
	return ret;
}

static int set_interface(struct parser *p, const char *value)
{
	if (parse_ifname(value))
		return fail(p, p->line, "invalid Interface \"%.*s\": not 1 to %d bytes",
			    QUOTE_MAX, value, IFNAMSIZ - 1);
	strcpy(p->c->ifname, value);
	return 0;
}

static int set_private_key_file(struct parser *p, const char *value)
{
	char *path = resolve(p, value);

	if (!path)
		return fail(p, p->line, "out of memory");
	free(p->c->private_key_path);
	p->c->private_key_path = path;
	return 0;
}

static int refuse_private_key(struct parser *p, const char *value)
{
	(void)value;
	return fail(p, p->line, "PrivateKey is not supported: put the key in a file and use PrivateKeyFile");
}

static int set_listen_port(struct parser *p, const char *value)
{
	if (parse_port(value, &p->c->listen_port))
		return fail(p, p->line, "invalid ListenPort \"%.*s\": not a number from 0 to 65535",
			    QUOTE_MAX, value);
	p->c->set_listen_port = true;
	return 0;
}

/* "IFACE[, IFACE...]": each as --discover takes it. */
static int set_discover(struct parser *p, const char *value)
{
	char problem[CONFIG_ERR_LEN], name[CONFIG_LINE_MAX + 1];
	const char *s = value, *comma;
	size_t len;

	for (;;) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		memcpy(name, s, len);
		name[len] = '\0';
		if (config_add_discover(p->c, trim(name), problem))
			return fail(p, p->line, "invalid Discover \"%.*s\": %s",
				    QUOTE_MAX, value, problem);
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int set_public_key(struct parser *p, const char *value)
{
	const struct peer_config *old;

	if (key_from_base64(p->peer.public_key, value))
		return fail(p, p->line, "invalid public key \"%.*s\": not 32 bytes of base64",
			    QUOTE_MAX, value);
	old = config_find_peer(p->c, p->peer.public_key);
	if (old && old->line)
		return fail(p, p->line, "public key already used by the [Peer] on line %u",
			    old->line);
	if (old)
		return fail(p, p->line, "public key already used by another peer");
	return 0;
}

static int set_endpoint(struct parser *p, const char *value)
{
	if (parse_endpoint(value, &p->peer.endpoint))
		return fail(p, p->line, "invalid Endpoint \"%.*s\": %s", QUOTE_MAX,
			    value, endpoint_problem(value));
	p->peer.has_endpoint = true;
	return 0;
}

static int refuse_psk(struct parser *p, const char *value)
{
	(void)value;
	return fail(p, p->line, "PresharedKey is not supported: put the key in a file and use PresharedKeyFile");
}

static int set_mode(struct parser *p, const char *value)
{
	if (!strcasecmp(value, "full"))
		p->peer.mode = FENNEC_LINK_MODE_FULL;
	else if (!strcasecmp(value, "fast"))
		p->peer.mode = FENNEC_LINK_MODE_FAST;
	else
		return fail(p, p->line, "invalid Mode \"%.*s\": full or fast",
			    QUOTE_MAX, value);
	return 0;
}

static int set_keepalive(struct parser *p, const char *value)
{
	uint16_t seconds = 0;

	if (strcasecmp(value, "off") && parse_port(value, &seconds))
		return fail(p, p->line, "invalid PersistentKeepalive \"%.*s\": seconds from 0 to 65535, or off",
			    QUOTE_MAX, value);
	p->peer.keepalive = seconds;
	return 0;
}

/* "PREFIX[, PREFIX...]" of a [Route]: each checked as --route does. */
static int set_route_prefix(struct parser *p, const char *value)
{
	char text[CONFIG_LINE_MAX + 1];
	const char *s = value, *comma, *why;
	char *item;
	size_t len;

	for (;;) {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		memcpy(text, s, len);
		text[len] = '\0';
		item = trim(text);
		if (p->nroute_prefixes == sizeof(p->route_prefixes) /
					   sizeof(p->route_prefixes[0]))
			return fail(p, p->line, "too many prefixes in one Prefix");
		why = route_prefix(item,
				   &p->route_prefixes[p->nroute_prefixes]);
		if (why)
			return fail(p, p->line, "invalid Prefix \"%.*s\": %s",
				    QUOTE_MAX, item, why);
		p->nroute_prefixes++;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int set_route_key(struct parser *p, const char *value)
{
	if (key_from_base64(p->route_key, value))
		return fail(p, p->line, "invalid public key \"%.*s\": not 32 bytes of base64",
			    QUOTE_MAX, value);
	return 0;
}

static const struct key_def {
	const char *name;
	enum section section;
	int (*set)(struct parser *p, const char *value);
} key_defs[KEY_COUNT] = {
	[KEY_INTERFACE] = { "Interface", SECTION_INTERFACE, set_interface },
	[KEY_PRIVATE_KEY_FILE] = { "PrivateKeyFile", SECTION_INTERFACE,
				   set_private_key_file },
	[KEY_PRIVATE_KEY] = { "PrivateKey", SECTION_INTERFACE,
			      refuse_private_key },
	[KEY_LISTEN_PORT] = { "ListenPort", SECTION_INTERFACE,
			      set_listen_port },
	[KEY_DISCOVER] = { "Discover", SECTION_INTERFACE, set_discover },
	[KEY_PUBLIC_KEY] = { "PublicKey", SECTION_PEER, set_public_key },
	[KEY_ENDPOINT] = { "Endpoint", SECTION_PEER, set_endpoint },
	[KEY_PSK_FILE] = { "PresharedKeyFile", SECTION_PEER, set_psk_file },
	[KEY_PSK] = { "PresharedKey", SECTION_PEER, refuse_psk },
	[KEY_MODE] = { "Mode", SECTION_PEER, set_mode },
	[KEY_KEEPALIVE] = { "PersistentKeepalive", SECTION_PEER,
			    set_keepalive },
	[KEY_ROUTE_PREFIX] = { "Prefix", SECTION_ROUTE, set_route_prefix },
	[KEY_ROUTE_PUBLIC_KEY] = { "PublicKey", SECTION_ROUTE, set_route_key },
};

/* The key NAME of SECTION, or -1. */
static int find_key(const char *name, enum section section)
{
	for (int i = 0; i < KEY_COUNT; i++)
		if (key_defs[i].section == section &&
		    !strcasecmp(name, key_defs[i].name))
			return i;
	return -1;
}

/* Adds the prefixes of the [Route] that ends here, for its key. */
static int end_route(struct parser *p)
{
	struct route_config r = { .line = p->seen[KEY_ROUTE_PREFIX] };
	char problem[CONFIG_ERR_LEN];

	if (!p->seen[KEY_ROUTE_PUBLIC_KEY])
		return fail(p, p->section_line, "[Route] without a PublicKey");
	if (!p->seen[KEY_ROUTE_PREFIX])
		return fail(p, p->section_line, "[Route] without a Prefix");
	memcpy(r.public_key, p->route_key, FENNEC_KEY_LEN);
	for (size_t i = 0; i < p->nroute_prefixes; i++) {
		r.prefix = p->route_prefixes[i];
		if (config_add_route(p->c, &r, problem))
			return fail(p, r.line, "%s", problem);
	}
	return 0;
}

/* Checks the [Peer] that ends here and adds it. */
static int end_section(struct parser *p)
{
	int ret = 0;

	if (p->section == SECTION_ROUTE)
		return end_route(p);
	if (p->section != SECTION_PEER)
		return 0;
	if (!p->seen[KEY_PUBLIC_KEY])
		ret = fail(p, p->section_line, "[Peer] without a PublicKey");
	else if (config_add_peer(p->c, &p->peer, p->err))
		ret = fail(p, p->section_line, "out of memory for the peers");
	sodium_memzero(&p->peer, sizeof(p->peer));
	return ret;
}

/* An earlier line's problem (a [Peer] without a key) is told first. */
static int begin_section(struct parser *p, const char *header)
{
	enum section s;

	if (end_section(p))
		return -1;
	if (header[strlen(header) - 1] != ']')
		return fail(p, p->line, "malformed section header \"%.*s\"",
			    QUOTE_MAX, header);
	if (!strcasecmp(header, section_names[SECTION_INTERFACE]))
		s = SECTION_INTERFACE;
	else if (!strcasecmp(header, section_names[SECTION_PEER]))
		s = SECTION_PEER;
	else if (!strcasecmp(header, section_names[SECTION_ROUTE]))
		s = SECTION_ROUTE;
	else
		return fail(p, p->line, "unknown section \"%.*s\": expected [Interface], [Peer] or [Route]",
			    QUOTE_MAX, header);
	if (s == SECTION_INTERFACE && p->interface_line)
		return fail(p, p->line, "second [Interface] section (the first is on line %u)",
			    p->interface_line);
	if (s == SECTION_INTERFACE)
		p->interface_line = p->line;
	p->section = s;
	p->section_line = p->line;
	memset(p->seen, 0, sizeof(p->seen));
	if (s == SECTION_PEER) {
		p->peer.mode = FENNEC_LINK_MODE_FULL;
		p->peer.line = p->line;
	}
	p->nroute_prefixes = 0;
	return 0;
}

/* "KEY = VALUE" in LINE, whose '=' is at EQ. */
static int set_key(struct parser *p, char *line, char *eq)
{
	const char *name, *value;
	int id;

	*eq = '\0';
	name = trim(line);
	value = trim(eq + 1);
	if (!*name)
		return fail(p, p->line, "no key before '='");
	if (p->section == SECTION_NONE)
		return fail(p, p->line, "key \"%.*s\" outside a section: start one with [Interface], [Peer] or [Route]",
			    QUOTE_MAX, name);
	id = find_key(name, p->section);
	if (id < 0)
		return fail(p, p->line, "unknown key \"%.*s\" in %s", QUOTE_MAX,
			    name, section_names[p->section]);
	if (p->seen[id])
		return fail(p, p->line, "duplicate key \"%s\" in %s (first on line %u)",
			    key_defs[id].name, section_names[p->section],
			    p->seen[id]);
	p->seen[id] = p->line;
	if (!*value)
		return fail(p, p->line, "no value for \"%s\"", key_defs[id].name);
	return key_defs[id].set(p, value);
}

/* Comments start with '#' or ';' at the start or after whitespace. */
static void strip_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == '#' || *c == ';') &&
		    (c == s || isspace((unsigned char)c[-1]))) {
			*c = '\0';
			return;
		}
	}
}

static int parse_line(struct parser *p, char *line)
{
	char *eq;

	strip_comment(line);
	line = trim(line);
	if (!*line)
		return 0;
	if (*line == '[')
		return begin_section(p, line);
	eq = strchr(line, '=');
	if (!eq)
		return fail(p, p->line, "expected KEY = VALUE, not \"%.*s\"",
			    QUOTE_MAX, line);
	return set_key(p, line, eq);
}

/*
 * One line of F into BUF (CONFIG_LINE_MAX + 1 bytes), without its '\n': 1,
 * 0 at the end of the file, or -1 with errno (EFBIG: too long, EILSEQ: a
 * NUL byte, or the read's).
 */
static int read_line(FILE *f, char *buf)
{
	size_t len = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (!ch) {
			errno = EILSEQ;
			return -1;
		}
		if (len == CONFIG_LINE_MAX) {
			errno = EFBIG;
			return -1;
		}
		buf[len++] = ch;
	}
	buf[len] = '\0';
	if (ch == EOF && ferror(f))
		return -1;
	return ch != EOF || len;
}

static int line_error(struct parser *p)
{
	if (errno == EFBIG)
		return fail(p, p->line, "line longer than %d bytes",
			    CONFIG_LINE_MAX);
	if (errno == EILSEQ)
		return fail(p, p->line, "NUL byte in the line");
	return set_error(p->err, "cannot read config file \"%s\": %s",
			 p->path, strerror(errno));
}

static int parse_file(struct parser *p, FILE *f)
{
	char buf[CONFIG_LINE_MAX + 1];
	int ret;

	for (;;) {
		p->line++;
		ret = read_line(f, buf);
		if (ret < 0)
			return line_error(p);
		if (!ret)
			return end_section(p);
		if (parse_line(p, buf))
			return -1;
	}
}

int config_read_file(struct daemon_config *c, const char *path,
		     char err[CONFIG_ERR_LEN])
{
	struct parser p = { .c = c, .path = path, .err = err };
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return set_error(err, "cannot open config file \"%s\": %s",
				 path, strerror(errno));
	c->file = path;
	ret = parse_file(&p, f);
	fclose(f);
	sodium_memzero(&p.peer, sizeof(p.peer));
	return ret;
}

static int merge_peer(struct daemon_config *c, const struct peer_config *p,
		      char err[CONFIG_ERR_LEN])
{
	struct peer_config *old = config_find_peer(c, p->public_key);

	if (!old)
		return config_add_peer(c, p, err);
	if (p->has_endpoint) {
		old->has_endpoint = true;
		old->endpoint = p->endpoint;
	}
	return 0;
}

int config_merge(struct daemon_config *c, const struct daemon_config *cmdline,
		 char err[CONFIG_ERR_LEN])
{
	char problem[CONFIG_ERR_LEN];

	if (cmdline->ifname[0])
		memcpy(c->ifname, cmdline->ifname, sizeof(c->ifname));
	if ((cmdline->private_key_path &&
	     config_set_string(&c->private_key_path,
			       cmdline->private_key_path)) ||
	    (cmdline->user && config_set_string(&c->user, cmdline->user)))
		return set_error(err, "out of memory");
	if (cmdline->set_listen_port) {
		c->set_listen_port = true;
		c->listen_port = cmdline->listen_port;
	}
	for (size_t i = 0; i < cmdline->npeers; i++)
		if (merge_peer(c, &cmdline->peers[i], err))
			return -1;
	for (size_t i = 0; i < cmdline->nroutes; i++) {
		if (config_add_route(c, &cmdline->routes[i], problem))
			return set_error(err, "--route: %s", problem);
	}
	for (size_t i = 0; i < cmdline->ndiscover; i++) {
		if (has_discover(c, cmdline->discover[i]))
			continue;
		if (c->ndiscover == CONFIG_DISCOVER_MAX)
			return set_error(err, "more than %d interfaces to discover on (Discover and --discover together)",
					 CONFIG_DISCOVER_MAX);
		strcpy(c->discover[c->ndiscover++], cmdline->discover[i]);
	}
	return 0;
}

int config_check(const struct daemon_config *c, char err[CONFIG_ERR_LEN])
{
	if (!c->ifname[0])
		return set_error(err, "no device: give --interface DEV, or Interface = DEV in [Interface]");
	if (!c->private_key_path)
		return set_error(err, "no private key: give --private-key FILE, or PrivateKeyFile = FILE in [Interface]");
	return 0;
}

unsigned int config_peer_changes(const struct peer_config *a,
				 const struct peer_config *b)
{
	unsigned int changes = 0;

	if (a->has_endpoint != b->has_endpoint ||
	    (a->has_endpoint && !endpoint_eq(&a->endpoint, &b->endpoint)))
		changes |= CONFIG_PEER_ENDPOINT;
	if (a->has_psk != b->has_psk ||
	    (a->has_psk && sodium_memcmp(a->psk, b->psk, CONFIG_PSK_LEN)))
		changes |= CONFIG_PEER_PSK;
	if (a->mode != b->mode)
		changes |= CONFIG_PEER_MODE;
	if (a->keepalive != b->keepalive)
		changes |= CONFIG_PEER_KEEPALIVE;
	return changes;
}

static bool same_string(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The same interfaces, in any order. */
static bool same_discover(const struct daemon_config *a,
			  const struct daemon_config *b)
{
	if (a->ndiscover != b->ndiscover)
		return false;
	for (size_t i = 0; i < a->ndiscover; i++)
		if (!has_discover(b, a->discover[i]))
			return false;
	return true;
}

unsigned int config_fixed_changes(const struct daemon_config *a,
				  const struct daemon_config *b)
{
	unsigned int changes = 0;

	if (strcmp(a->ifname, b->ifname))
		changes |= CONFIG_FIXED_INTERFACE;
	if (!same_string(a->private_key_path, b->private_key_path))
		changes |= CONFIG_FIXED_PRIVATE_KEY;
	if (a->set_listen_port != b->set_listen_port ||
	    (a->set_listen_port && a->listen_port != b->listen_port))
		changes |= CONFIG_FIXED_LISTEN_PORT;
	if (!same_string(a->user, b->user))
		changes |= CONFIG_FIXED_USER;
	if (!same_discover(a, b))
		changes |= CONFIG_FIXED_DISCOVER;
	return changes;
}

void config_fixed_names(unsigned int changes, char *buf, size_t size)
{
	static const char *const names[] = {
		"Interface", "PrivateKeyFile", "ListenPort", "--user",
		"Discover",
	};
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(changes & (1u << i)) || len >= size)
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			     names[i]);
		if (n > 0)
			len += n;
	}
}

int config_keep_fixed(struct daemon_config *next,
		      const struct daemon_config *cur, unsigned int changes)
{
	if (changes & CONFIG_FIXED_INTERFACE)
		memcpy(next->ifname, cur->ifname, sizeof(next->ifname));
	if (changes & CONFIG_FIXED_PRIVATE_KEY) {
		free(next->private_key_path);
		next->private_key_path = NULL;
		if (cur->private_key_path &&
		    config_set_string(&next->private_key_path,
				      cur->private_key_path))
			return -1;
	}
	if (changes & CONFIG_FIXED_LISTEN_PORT) {
		next->set_listen_port = cur->set_listen_port;
		next->listen_port = cur->listen_port;
	}
	if (changes & CONFIG_FIXED_USER) {
		free(next->user);
		next->user = NULL;
		if (cur->user && config_set_string(&next->user, cur->user))
			return -1;
	}
	if (changes & CONFIG_FIXED_DISCOVER) {
		memcpy(next->discover, cur->discover, sizeof(next->discover));
		next->ndiscover = cur->ndiscover;
	}
	return 0;
}

bool config_has_route(const struct daemon_config *c,
		      const struct route_config *r)
{
	for (size_t i = 0; i < c->nroutes; i++)
		if (same_prefix(&c->routes[i].prefix, &r->prefix) &&
		    !memcmp(c->routes[i].public_key, r->public_key,
			    FENNEC_KEY_LEN))
			return true;
	return false;
}

void config_free(struct daemon_config *c)
{
	free(c->private_key_path);
	free(c->user);
	free(c->routes);
	/* sodium_free() wipes the array, psks and all, before freeing it. */
	sodium_free(c->peers);
	memset(c, 0, sizeof(*c));
}
