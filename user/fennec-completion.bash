# SPDX-License-Identifier: GPL-2.0
# bash completion for fennec(8): commands, fennec devices, the settings of
# "fennec set" and the views of "fennec show" (peers, dht, ...). Installed as
# /usr/share/bash-completion/completions/fennec.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)): words, as meant

_fennec_devices()
{
	ip -o link show type fennec 2>/dev/null |
		sed -n 's/^[0-9]*: \([^:@]*\).*/\1/p'
}

_fennec()
{
	local cur prev words cword
	_init_completion || return

	local commands="show showconf metrics set send graph trace monitor genkey pubkey addr help"
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi

	local cmd=${words[1]}
	if [ "$cword" -eq 2 ]; then
		case $cmd in
		show|showconf|metrics|set|send|graph|trace|monitor)
			COMPREPLY=($(compgen -W "$(_fennec_devices) --help" -- "$cur"))
			[ "$cmd" = show ] && COMPREPLY+=($(compgen -W "--json" -- "$cur"))
			;;
		*)
			COMPREPLY=($(compgen -W "--help" -- "$cur"))
			;;
		esac
		return
	fi

	case $cmd in
	show)
		COMPREPLY=($(compgen -W "links sessions prefixes peers dht --json" -- "$cur"))
		;;
	send)
		[ "$cword" -eq 3 ] && COMPREPLY=($(compgen -W "route endpoint" -- "$cur"))
		;;
	set)
		case $prev in
		private-key|send-key|recv-key)
			_filedir
			return
			;;
		mode)
			COMPREPLY=($(compgen -W "full fast" -- "$cur"))
			return
			;;
		state)
			COMPREPLY=($(compgen -W "up down" -- "$cur"))
			return
			;;
		slot-width)
			COMPREPLY=($(compgen -W "1 2" -- "$cur"))
			return
			;;
		listen-port|public-key|address|endpoint|peer|mtu|route|rx-index|tx-index)
			return
			;;
		esac
		local settings
		case " ${words[*]:3} " in
		*" link "*)
			settings="endpoint peer mode mtu state keys keepalive remove
				rx-index tx-index send-key recv-key next"
			;;
		*" session "*)
			settings="public-key keys route mtu no-routes keepalive remove
				rx-index tx-index send-key recv-key next"
			;;
		*" prefix "*)
			settings="peer remove"
			;;
		*)
			settings="listen-port private-key public-key address
				clear-identity slot-width link session prefix"
			;;
		esac
		[ "$prev" = link ] || [ "$prev" = session ] || [ "$prev" = prefix ] && return
		COMPREPLY=($(compgen -W "$settings" -- "$cur"))
		;;
	esac
}
complete -F _fennec fennec
