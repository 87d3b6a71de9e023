// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP underlay: one IPv4 and one IPv6 socket on the same port, opened
 * in the namespace the device was created in, living while the device is up.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "queue.h"
#include "socket.h"

static int fennec_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct fennec_device *fdev = rcu_dereference_sk_user_data(sk);

	/*
	 * A UDP GSO packet (a local sender's UDP_SEGMENT) reaches us cut into
	 * segments still chained by skb->next: the underlay would transmit
	 * the whole chain with this one, segments it does not own.
	 */
	skb_mark_not_on_list(skb);
	if (unlikely(!fdev)) {
		kfree_skb(skb);
		return 0;
	}
	fennec_queue_receive(fdev, skb);
	return 0;
}

static int fennec_socket_create(struct fennec_device *fdev, int family,
				u16 port, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data = fdev,
		.encap_type = 1,
		.encap_rcv = fennec_udp_recv,
	};
	struct udp_port_cfg port_cfg = {
		.family = family,
		.local_udp_port = htons(port),
	};
	int err;

	if (family == AF_INET6) {
		port_cfg.local_ip6 = in6addr_any;
		port_cfg.ipv6_v6only = 1;
	} else {
		port_cfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(fdev->creating_net, &port_cfg, sockp);
	if (err)
		return err;
	setup_udp_tunnel_sock(fdev->creating_net, *sockp, &tunnel_cfg);
	return 0;
}

static void fennec_socket_release(struct sock *sk)
{
	if (sk)
		udp_tunnel_sock_release(sk->sk_socket);
}

static void fennec_socket_swap(struct fennec_device *fdev, struct sock *sk4,
			       struct sock *sk6)
{
	struct sock *old4 = rtnl_dereference(fdev->sock4);
	struct sock *old6 = rtnl_dereference(fdev->sock6);

	rcu_assign_pointer(fdev->sock4, sk4);
	rcu_assign_pointer(fdev->sock6, sk6);
	if (!old4 && !old6)
		return;
	synchronize_net();
	fennec_socket_release(old4);
	fennec_socket_release(old6);
}

/**
 * fennec_socket_open - bind the underlay sockets, replacing any bound ones
 * @fdev: the device
 * @port: UDP port, 0 for any free one
 *
 * Return: 0, with @fdev->listen_port set to the port bound, or an error with
 * the sockets that were bound left as they were. Caller holds RTNL.
 */
int fennec_socket_open(struct fennec_device *fdev, u16 port)
{
	struct socket *sock4, *sock6 = NULL;
	int tries = port ? 1 : 32;
	u16 bound;
	int err;

	ASSERT_RTNL();
	do {
		err = fennec_socket_create(fdev, AF_INET, port, &sock4);
		if (err)
			return err;
		bound = ntohs(inet_sk(sock4->sk)->inet_sport);
		if (!IS_ENABLED(CONFIG_IPV6))
			break;
		err = fennec_socket_create(fdev, AF_INET6, bound, &sock6);
		if (err == -EAFNOSUPPORT) {
			/* IPv6 is disabled in this namespace: run on IPv4. */
			sock6 = NULL;
			err = 0;
		}
		if (err)
			udp_tunnel_sock_release(sock4);
		/* A free IPv4 port may be taken on IPv6: pick another. */
	} while (err == -EADDRINUSE && --tries);
	if (err)
		return err;

	fennec_socket_swap(fdev, sock4->sk, sock6 ? sock6->sk : NULL);
	fdev->listen_port = bound;
	return 0;
}

/* Caller holds RTNL. */
void fennec_socket_close(struct fennec_device *fdev)
{
	fennec_socket_swap(fdev, NULL, NULL);
}

/*
 * The underlay's route to @sin from @sk, @fl filled in for it; an error
 * pointer if there is none, or if it would go into the overlay itself.
 * Context: RCU read side (BH).
 */
static struct rtable *fennec_route4(struct fennec_device *fdev,
				    struct sock *sk, struct flowi4 *fl,
				    const struct sockaddr_in *sin, u32 mark)
{
	struct rtable *rt;

	memset(fl, 0, sizeof(*fl));
	fl->daddr = sin->sin_addr.s_addr;
	fl->fl4_dport = sin->sin_port;
	fl->fl4_sport = inet_sk(sk)->inet_sport;
	fl->flowi4_proto = IPPROTO_UDP;
	fl->flowi4_mark = mark;
	rt = ip_route_output_flow(sock_net(sk), fl, sk);
	if (!IS_ERR(rt) && unlikely(rt->dst.dev == fdev->dev)) {
		/* The underlay would route into the overlay itself. */
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	return rt;
}

/*
 * Whether a datagram of @len bytes of UDP payload fits @dst's MTU with
 * @iph bytes of IP header: the underlay never fragments what we send.
 */
static bool fennec_fits(const struct dst_entry *dst, unsigned int len,
			unsigned int iph)
{
	return len + sizeof(struct udphdr) + iph <= dst_mtu(dst);
}

static int fennec_send4(struct fennec_device *fdev, struct sk_buff *skb,
			const struct sockaddr_in *sin)
{
	struct flowi4 fl;
	struct sock *sk;
	struct rtable *rt;
	int err = 0;

	rcu_read_lock_bh();
	sk = rcu_dereference_bh(fdev->sock4);
	if (unlikely(!sk)) {
		err = -ENONET;
		goto drop;
	}
	rt = fennec_route4(fdev, sk, &fl, sin, skb->mark);
	if (IS_ERR(rt)) {
		err = PTR_ERR(rt);
		goto drop;
	}
	if (unlikely(!fennec_fits(&rt->dst, skb->len, sizeof(struct iphdr)))) {
		ip_rt_put(rt);
		err = -EMSGSIZE;
		goto drop;
	}
	/* DF: a router of the underlay with a smaller MTU says so. */
	udp_tunnel_xmit_skb(rt, sk, skb, fl.saddr, fl.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), htons(IP_DF),
			    fl.fl4_sport, fl.fl4_dport, false, false);
	rcu_read_unlock_bh();
	return 0;

drop:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return err;
}

#if IS_ENABLED(CONFIG_IPV6)
/* As fennec_route4(), for IPv6. */
static struct dst_entry *fennec_route6(struct fennec_device *fdev,
				       struct sock *sk, struct flowi6 *fl,
				       const struct sockaddr_in6 *sin6,
				       u32 mark)
{
	struct dst_entry *dst;

	memset(fl, 0, sizeof(*fl));
	fl->daddr = sin6->sin6_addr;
	fl->fl6_dport = sin6->sin6_port;
	fl->fl6_sport = inet_sk(sk)->inet_sport;
	fl->flowi6_oif = sin6->sin6_scope_id;
	fl->flowi6_proto = IPPROTO_UDP;
	fl->flowi6_mark = mark;
	dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, fl, NULL);
	if (!IS_ERR(dst) && unlikely(dst->dev == fdev->dev)) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	return dst;
}

static int fennec_send6(struct fennec_device *fdev, struct sk_buff *skb,
			const struct sockaddr_in6 *sin6)
{
	struct dst_entry *dst;
	struct flowi6 fl;
	struct sock *sk;
	int err = 0;

	rcu_read_lock_bh();
	sk = rcu_dereference_bh(fdev->sock6);
	if (unlikely(!sk)) {
		err = -ENONET;
		goto drop;
	}
	dst = fennec_route6(fdev, sk, &fl, sin6, skb->mark);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto drop;
	}
	/* IPv6 routers never fragment; nor do we. */
	if (unlikely(!fennec_fits(dst, skb->len, sizeof(struct ipv6hdr)))) {
		dst_release(dst);
		err = -EMSGSIZE;
		goto drop;
	}
	udp_tunnel6_xmit_skb(dst, sk, skb, skb->dev, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	rcu_read_unlock_bh();
	return 0;

drop:
	rcu_read_unlock_bh();
	kfree_skb(skb);
	return err;
}
#endif

/**
 * fennec_socket_mtu - what the underlay carries to an endpoint
 * @fdev: the device
 * @ep: the endpoint
 *
 * Context: any.
 * Return: the largest UDP payload the underlay's route to @ep carries
 * unfragmented (its MTU, its path MTU if the underlay learned one, less
 * the IP and UDP headers), or 0 if there is no route or socket now.
 */
unsigned int fennec_socket_mtu(struct fennec_device *fdev,
			       const union fennec_endpoint *ep)
{
	unsigned int mtu = 0, iph = sizeof(struct iphdr);
	struct dst_entry *dst = ERR_PTR(-ENONET);
	struct sock *sk;

	rcu_read_lock_bh();
	if (ep->sa.sa_family == AF_INET) {
		struct flowi4 fl;
		struct rtable *rt;

		sk = rcu_dereference_bh(fdev->sock4);
		if (sk) {
			rt = fennec_route4(fdev, sk, &fl, &ep->sin, 0);
			dst = IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
		}
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ep->sa.sa_family == AF_INET6) {
		struct flowi6 fl;

		iph = sizeof(struct ipv6hdr);
		sk = rcu_dereference_bh(fdev->sock6);
		if (sk)
			dst = fennec_route6(fdev, sk, &fl, &ep->sin6, 0);
	}
#endif
	if (!IS_ERR(dst)) {
		if (dst_mtu(dst) > iph + sizeof(struct udphdr))
			mtu = dst_mtu(dst) - iph - sizeof(struct udphdr);
		dst_release(dst);
	}
	rcu_read_unlock_bh();
	return mtu;
}

/**
 * fennec_socket_send - send a datagram to a peer from the device's socket
 * @fdev: the device
 * @skb: the UDP payload, with headroom for the UDP and IP headers
 * @ep: where to
 *
 * Consumes @skb whatever happens. Context: any, with BHs enabled or not.
 * Return: 0 if handed to the underlay, or why not.
 */
int fennec_socket_send(struct fennec_device *fdev, struct sk_buff *skb,
		       const union fennec_endpoint *ep)
{
	skb->dev = fdev->dev;
	if (ep->sa.sa_family == AF_INET)
		return fennec_send4(fdev, skb, &ep->sin);
#if IS_ENABLED(CONFIG_IPV6)
	if (ep->sa.sa_family == AF_INET6)
		return fennec_send6(fdev, skb, &ep->sin6);
#endif
	kfree_skb(skb);
	return -EAFNOSUPPORT;
}

/* The source of a datagram received on an underlay socket. */
void fennec_endpoint_from_skb(union fennec_endpoint *ep,
			      const struct sk_buff *skb)
{
	memset(ep, 0, sizeof(*ep));
	if (ip_hdr(skb)->version == 4) {
		ep->sin.sin_family = AF_INET;
		ep->sin.sin_addr.s_addr = ip_hdr(skb)->saddr;
		ep->sin.sin_port = udp_hdr(skb)->source;
	} else {
		ep->sin6.sin6_family = AF_INET6;
		ep->sin6.sin6_addr = ipv6_hdr(skb)->saddr;
		ep->sin6.sin6_port = udp_hdr(skb)->source;
		ep->sin6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
					    skb->skb_iif);
	}
}

bool fennec_endpoint_eq(const union fennec_endpoint *a,
			const union fennec_endpoint *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_port == b->sin.sin_port &&
		       a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sin6.sin6_port == b->sin6.sin6_port &&
	       ipv6_addr_equal(&a->sin6.sin6_addr, &b->sin6.sin6_addr) &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}
