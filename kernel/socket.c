// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP underlay: one IPv4 and one IPv6 socket on the same port, opened
 * in the namespace the device was created in, living while the device is up.
 */

#include <linux/in.h>
#include <net/inet_sock.h>
#include <net/udp_tunnel.h>

#include "socket.h"

static int fennec_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	struct fennec_device *fdev = rcu_dereference_sk_user_data(sk);

	/* No protocol is spoken yet: every datagram is dropped and counted. */
	if (fdev)
		dev_core_stats_rx_dropped_inc(fdev->dev);
	kfree_skb(skb);
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
