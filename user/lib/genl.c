// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "genl.h"

struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

static int store_attr(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
	       unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -1;
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), store_attr,
			      &t) == MNL_CB_OK ? 0 : -1;
}

static struct nlmsghdr *put_genl_header(struct nlsock *s, uint16_t type,
					uint8_t cmd, uint8_t version,
					uint16_t flags)
{
	struct nlmsghdr *nlh = nlsock_request(s, type, flags);
	struct genlmsghdr *hdr = mnl_nlmsg_put_extra_header(nlh, sizeof(*hdr));

	hdr->cmd = cmd;
	hdr->version = version;
	return nlh;
}

struct nlmsghdr *genl_request(struct genl *g, uint8_t cmd, uint16_t flags)
{
	return put_genl_header(&g->sock, g->family, cmd, g->version, flags);
}

int genl_do(struct genl *g, struct nlmsghdr *req, nlsock_cb cb, void *data)
{
	return nlsock_do(&g->sock, req, cb, data);
}

int genl_dump(struct genl *g, struct nlmsghdr *req, nlsock_cb cb,
	      nlsock_restart_cb restart, void *data)
{
	return nlsock_dump(&g->sock, req, cb, restart, data);
}

static int family_id(const struct nlmsghdr *nlh, void *data)
{
	struct genl *g = data;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX) || !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return nlsock_failf(&g->sock, EBADMSG,
				    "malformed reply from nlctrl");
	g->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

static int resolve_family(struct genl *g, const char *family)
{
	struct nlmsghdr *req;
	int ret;

	req = put_genl_header(&g->sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, family);
	ret = nlsock_do(&g->sock, req, family_id, g);
	if (ret == -ENOENT)
		return nlsock_failf(&g->sock, ENOENT,
				    "%s module is not loaded (modprobe %s)",
				    family, family);
	if (!ret && !g->family)
		return nlsock_failf(&g->sock, EBADMSG,
				    "nlctrl did not give the id of %s", family);
	return ret;
}

int genl_open(struct genl *g, const char *family, uint8_t version)
{
	int ret;

	g->family = 0;
	g->version = version;
	ret = nlsock_open(&g->sock, NETLINK_GENERIC);
	if (!ret)
		ret = resolve_family(g, family);
	return ret;
}

void genl_close(struct genl *g)
{
	nlsock_close(&g->sock);
}

struct group_query {
	const char *name;
	int id;
};

static int group_id(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct group_query *q = data;
	const struct nlattr *grp, *a;

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX) || !tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	mnl_attr_for_each_nested(grp, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const char *name = NULL;
		int id = -1;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
				name = mnl_attr_get_str(a);
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && id >= 0 && !strcmp(name, q->name))
			q->id = id;
	}
	return 0;
}

int genl_group_id(struct genl *g, const char *group)
{
	struct group_query q = { .name = group, .id = -1 };
	struct nlmsghdr *req;

	req = put_genl_header(&g->sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_u16(req, CTRL_ATTR_FAMILY_ID, g->family);
	if (nlsock_do(&g->sock, req, group_id, &q))
		return -1;
	return q.id;
}
