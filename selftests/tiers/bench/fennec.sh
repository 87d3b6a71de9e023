# shellcheck shell=bash
# The fennec contenders of make bench (sourced by bench/guest.sh): a line of
# nodes per contender (selftests/lib/topology.sh), iperf3 from the first to the
# last by address.
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/topology.sh"
modprobe fennec

# fennec_line PREFIX NET NODES MODE: a line with a session from end to end.
fennec_line() {
	local prefix=$1 net=$2 n=$3 mode=$4 i route="" back=""
	TOPO=$prefix TOPO_NET=$net
	line "$n"
	if [ "$mode" = fast ]; then
		for ((i = 0; i < n; i++)); do
			[ $i = 0 ] || ip netns exec "$TOPO$i" fennec set fen0 link 1 mode fast
			[ $i = $((n - 1)) ] || ip netns exec "$TOPO$i" fennec set fen0 link 2 mode fast
		done
	fi
	if [ "$n" -gt 2 ]; then
		for ((i = 0; i < n - 1; i++)); do
			route+=$(slot $i 2)
			back+=$(slot $((n - 1 - i)) 1)
		done
		session 0 $((n - 1)) "${route}00" "${back}00"
	fi
	target=$(addr_of $((n - 1))) client=${TOPO}0 server=$TOPO$((n - 1))
	ping_node 0 $((n - 1)) -c 1 -W 5 >/dev/null
}

setup_fennec_direct() { fennec_line fd 5 2 full; }
setup_fennec_transit1() { fennec_line ft 6 3 full; }
setup_fennec_transit1_fast() { fennec_line fs 7 3 fast; }
setup_fennec_transit3() { fennec_line fu 8 5 full; }
setup_fennec_transit3_fast() { fennec_line fv 9 5 fast; }

# The kernel refuses keys older than 180 s, and the rounds take longer:
# before each run, new keys for what needs them, as a helper would give
# (guest.sh calls fresh_CONTENDER if there is one).
fresh_fennec_direct() { TOPO=fd keys_fresh; }
fresh_fennec_transit1() { TOPO=ft keys_fresh; }
fresh_fennec_transit1_fast() { TOPO=fs keys_fresh; }
fresh_fennec_transit3() { TOPO=fu keys_fresh; }
fresh_fennec_transit3_fast() { TOPO=fv keys_fresh; }
