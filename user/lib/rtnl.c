// SPDX-License-Identifier: GPL-2.0
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "rtnl.h"

int rtnl_add_address6(struct nlsock *s, uint32_t ifindex,
		      const struct in6_addr *addr, unsigned int prefix_len)
{
	struct nlmsghdr *req = nlsock_request(s, RTM_NEWADDR,
					      NLM_F_CREATE | NLM_F_REPLACE);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(req, sizeof(*ifa));

	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_flags = IFA_F_NODAD;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(req, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(req, IFA_ADDRESS, sizeof(*addr), addr);
	mnl_attr_put_u32(req, IFA_FLAGS, IFA_F_NODAD);
	return nlsock_do(s, req, NULL, NULL);
}

int rtnl_route(struct nlsock *s, bool add, uint32_t ifindex,
	       const struct ip_prefix *p)
{
	struct nlmsghdr *req = nlsock_request(s, add ? RTM_NEWROUTE :
						       RTM_DELROUTE,
					      add ? NLM_F_CREATE | NLM_F_EXCL :
						    0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(req, sizeof(*rtm));

	rtm->rtm_family = p->v6 ? AF_INET6 : AF_INET;
	rtm->rtm_dst_len = p->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	/* No gateway: on the link. Deleting, any scope (as ip does). */
	if (!add)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else
		rtm->rtm_scope = p->v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (p->len)
		mnl_attr_put(req, RTA_DST, p->v6 ? 16 : 4, p->addr);
	mnl_attr_put_u32(req, RTA_OIF, ifindex);
	return nlsock_do(s, req, NULL, NULL);
}

struct route_match {
	uint32_t ifindex;
	const struct ip_prefix *p;
	bool found;
};

static int route_matches(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_match *m = data;
	unsigned int alen = m->p->v6 ? 16 : 4;
	const struct nlattr *a;
	bool dst = !m->p->len, oif = false;
	uint32_t table = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) ||
	    rtm->rtm_family != (m->p->v6 ? AF_INET6 : AF_INET) ||
	    rtm->rtm_dst_len != m->p->len ||
	    rtm->rtm_protocol != RTPROT_STATIC)
		return 0;
	table = rtm->rtm_table;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			dst = mnl_attr_get_payload_len(a) == alen &&
			      !memcmp(mnl_attr_get_payload(a), m->p->addr, alen);
			break;
		case RTA_OIF:
			oif = mnl_attr_get_payload_len(a) == 4 &&
			      mnl_attr_get_u32(a) == m->ifindex;
			break;
		case RTA_TABLE:
			if (mnl_attr_get_payload_len(a) == 4)
				table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (dst && oif && table == RT_TABLE_MAIN)
		m->found = true;
	return 0;
}

static void route_restart(void *data)
{
	((struct route_match *)data)->found = false;
}

int rtnl_route_static(struct nlsock *s, uint32_t ifindex,
		      const struct ip_prefix *p)
{
	struct nlmsghdr *req = nlsock_request(s, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(req, sizeof(*rtm));
	struct route_match m = { .ifindex = ifindex, .p = p };
	int ret;

	rtm->rtm_family = p->v6 ? AF_INET6 : AF_INET;
	ret = nlsock_dump(s, req, route_matches, route_restart, &m);
	return ret ? ret : m.found;
}

int rtnl_link_up(struct nlsock *s, uint32_t ifindex)
{
	struct nlmsghdr *req = nlsock_request(s, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(req, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nlsock_do(s, req, NULL, NULL);
}
