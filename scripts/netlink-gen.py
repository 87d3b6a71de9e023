#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Generates fennec.ko's netlink tables from the family's YNL spec.

    netlink-gen.py            writes kernel/netlink_gen.c and netlink_gen.h
    netlink-gen.py --check    fails (exit 1) on any drift: a spec that is
                              not well formed, generated files that differ
                              from what the spec gives, or a uapi header
                              (include/uapi/linux/fennec.h) whose numbers
                              or constants differ from the spec's

The spec is Documentation/netlink/specs/fennec.yaml, in the kernel's YNL
format (genetlink-legacy). What is generated: the input policies, the
operations table, the multicast groups and the family, plus static_asserts
that tie every uapi number the spec gives (attribute and command values,
constants, enum entries) to the header. The uapi header itself stays
written by hand.

Events have attribute sets of their own, which no request names: they are
sent, never parsed, so they get no policy (only the uapi assertions).

kernel-policy "global": one policy for every command, as the family has
always had. It accepts each attribute that some operation's request lists,
with the checks and nest of the attribute set that operation names (a
subset may point a nest at a subset of its own); every other attribute of
the set is NLA_REJECT. A nested set's policy accepts the attributes of that
set (or subset) and rejects the rest of its enum.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

try:
    import yaml
except ImportError:
    sys.exit("netlink-gen.py: needs PyYAML (Debian: python3-yaml)")

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = "Documentation/netlink/specs/fennec.yaml"
OUT_C = "kernel/netlink_gen.c"
OUT_H = "kernel/netlink_gen.h"
UAPI = "include/uapi/linux/fennec.h"

SCALARS = {"u8", "u16", "u32", "u64"}
TYPES = SCALARS | {"pad", "flag", "binary", "string", "nest"}
CHECKS = {"min", "max", "min-len", "max-len", "exact-len", "flags-mask",
          "unterminated-ok"}
OP_FLAGS = {"admin-perm": "GENL_ADMIN_PERM",
            "uns-admin-perm": "GENL_UNS_ADMIN_PERM"}
# Binding to the group needs CAP_NET_ADMIN over the group's namespace; the
# flag exists from 6.6 on, older kernels let anyone in the namespace join.
MCGRP_FLAGS = {"admin-perm": "GENL_MCAST_CAP_NET_ADMIN"}
DONT_VALIDATE = {"strict": "GENL_DONT_VALIDATE_STRICT",
                 "dump": "GENL_DONT_VALIDATE_DUMP",
                 "dump-strict": "GENL_DONT_VALIDATE_DUMP_STRICT"}


class SpecError(Exception):
    pass


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


def allow(where, obj, keys, required=()):
    """The spec's schema is closed: unknown keys are mistakes."""
    if not isinstance(obj, dict):
        raise SpecError(f"{where}: expected a mapping")
    for k in obj:
        if k not in keys:
            raise SpecError(f"{where}: unknown key '{k}'")
    for k in required:
        if k not in obj:
            raise SpecError(f"{where}: '{k}' missing")


class Family:
    def __init__(self, spec):
        self.spec = spec
        allow("top level", spec,
              {"name", "doc", "protocol", "uapi-header", "c-family-name",
               "c-version-name", "version", "kernel-policy", "definitions",
               "attribute-sets", "operations", "mcast-groups"},
              ("name", "doc", "attribute-sets", "operations"))
        if spec.get("protocol") != "genetlink-legacy":
            raise SpecError("protocol: the generator reads genetlink-legacy")
        if spec.get("kernel-policy") != "global":
            raise SpecError("kernel-policy: only 'global' is generated")
        self.name = spec["name"]
        self.version = spec.get("version", 1)
        self.c_family_name = c_upper(spec.get("c-family-name",
                                              self.name + "-family-name"))
        self.c_version_name = c_upper(spec.get("c-version-name",
                                               self.name + "-family-version"))
        self._load_definitions()
        self._load_sets()
        self._load_ops()
        self._load_mcgrps()

    # Definitions: constants, enums and flags.
    def _load_definitions(self):
        self.consts = {}    # spec name -> (C name, value, from uapi)
        self.enums = {}     # spec name -> dict
        for d in self.spec.get("definitions", []):
            allow("definition", d,
                  {"name", "type", "header", "doc", "value", "entries",
                   "enum-name", "name-prefix", "value-start", "render-max"},
                  ("name", "type"))
            name = d["name"]
            if name in self.consts or name in self.enums:
                raise SpecError(f"definition {name}: defined twice")
            if d["type"] == "const":
                if not isinstance(d.get("value"), int):
                    raise SpecError(f"const {name}: integer value needed")
                self.consts[name] = (c_upper(self.name + "-" + name),
                                     d["value"], "header" in d)
            elif d["type"] in ("enum", "flags"):
                prefix = c_upper(d.get("name-prefix",
                                       self.name + "-" + name + "-"))
                value = d.get("value-start", 0)
                entries = []
                for e in d.get("entries", []):
                    if isinstance(e, str):
                        e = {"name": e}
                    allow(f"{name} entry", e, {"name", "value", "doc"},
                          ("name",))
                    value = e.get("value", value)
                    c_value = 1 << value if d["type"] == "flags" else value
                    entries.append((prefix + c_upper(e["name"]), c_value))
                    value += 1
                if not entries:
                    raise SpecError(f"{d['type']} {name}: no entries")
                self.enums[name] = {"type": d["type"], "entries": entries,
                                    "header": "header" in d}
            else:
                raise SpecError(f"definition {name}: type {d['type']} "
                                "is not generated")

    def limit(self, where, value):
        """A check's limit as C: a number, a constant, or a C define."""
        if isinstance(value, bool) or value is None:
            raise SpecError(f"{where}: limit {value!r}")
        if isinstance(value, int):
            return str(value), value
        if value in self.consts:
            c_name, number, _ = self.consts[value]
            return c_name, number
        m = re.fullmatch(r"([us])(8|16|32|64)-(min|max)", value)
        if m:
            bits = int(m.group(2))
            signed = m.group(1) == "s"
            if m.group(3) == "min":
                n = -(1 << (bits - 1)) if signed else 0
            else:
                n = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
            return str(n), n
        if re.fullmatch(r"[A-Z][A-Z0-9_]*( - 1)?", value):
            return value, None     # a kernel define, e.g. IFNAMSIZ - 1
        raise SpecError(f"{where}: unknown limit '{value}'")

    # Attribute sets and subsets.
    def _load_sets(self):
        self.sets = {}
        for s in self.spec["attribute-sets"]:
            allow("attribute set", s,
                  {"name", "name-prefix", "enum-name", "doc", "subset-of",
                   "attributes", "attr-cnt-name", "attr-max-name"},
                  ("name", "attributes"))
            if s["name"] in self.sets:
                raise SpecError(f"attribute set {s['name']}: defined twice")
            self.sets[s["name"]] = s
        for s in self.spec["attribute-sets"]:
            if "subset-of" in s:
                self._load_subset(s)
            else:
                self._load_full_set(s)
        for s in self.sets.values():
            for a in s["by-name"].values():
                self._check_attr(s, a)

    def _load_full_set(self, s):
        if "name-prefix" not in s:
            s["name-prefix"] = f"{self.name}-a-{s['name']}-"
        prefix = c_upper(s["name-prefix"])
        s["prefix"] = prefix
        s["cnt-name"] = c_upper(s.get("attr-cnt-name", "__" + prefix + "max"))
        s["max-name"] = c_upper(s.get("attr-max-name", prefix + "max"))
        s["by-name"] = {}
        value = 1
        for a in s["attributes"]:
            allow(f"set {s['name']} attribute", a,
                  {"name", "type", "doc", "value", "checks", "enum",
                   "enum-as-flags", "nested-attributes", "multi-attr",
                   "display-hint", "byte-order"}, ("name", "type"))
            value = a.get("value", value)
            a = dict(a, value=value, c_name=prefix + c_upper(a["name"]))
            if a["name"] in s["by-name"]:
                raise SpecError(f"set {s['name']}: {a['name']} twice")
            s["by-name"][a["name"]] = a
            value += 1
        s["max"] = value - 1
        s["parent"] = s

    def _load_subset(self, s):
        parent = self.sets.get(s["subset-of"])
        if not parent or "subset-of" in parent:
            raise SpecError(f"subset {s['name']}: no full set "
                            f"'{s['subset-of']}'")
        if "by-name" not in parent:
            self._load_full_set(parent)
        s["by-name"] = {}
        for a in s["attributes"]:
            allow(f"subset {s['name']} attribute", a,
                  {"name", "nested-attributes", "doc"}, ("name",))
            base = parent["by-name"].get(a["name"])
            if not base:
                raise SpecError(f"subset {s['name']}: {parent['name']} has "
                                f"no attribute {a['name']}")
            if "nested-attributes" in a and base["type"] != "nest":
                raise SpecError(f"subset {s['name']}: {a['name']} is not "
                                "a nest")
            s["by-name"][a["name"]] = dict(base, **a)
        for k in ("prefix", "cnt-name", "max-name", "max"):
            s[k] = parent[k]
        s["parent"] = parent

    def _check_attr(self, s, a):
        where = f"{s['name']}.{a['name']}"
        t = a["type"]
        if t not in TYPES:
            raise SpecError(f"{where}: type {t} is not generated")
        checks = a.get("checks", {})
        allow(f"{where} checks", checks, CHECKS)
        if t == "nest":
            nested = a.get("nested-attributes")
            if nested not in self.sets:
                raise SpecError(f"{where}: nest of unknown set {nested}")
        elif "nested-attributes" in a:
            raise SpecError(f"{where}: only a nest has nested-attributes")
        if "enum" in a and a["enum"] not in self.enums:
            raise SpecError(f"{where}: unknown enum {a['enum']}")
        if "flags-mask" in checks and checks["flags-mask"] not in self.enums:
            raise SpecError(f"{where}: unknown flags {checks['flags-mask']}")
        for k in ("min", "max", "min-len", "max-len", "exact-len"):
            if k in checks:
                self.limit(f"{where} {k}", checks[k])
        scalar_checks = {"min", "max", "flags-mask"}
        len_checks = {"min-len", "max-len", "exact-len", "unterminated-ok"}
        if t in SCALARS and set(checks) - scalar_checks:
            raise SpecError(f"{where}: length checks on a {t}")
        if t in ("binary", "string") and set(checks) - len_checks:
            raise SpecError(f"{where}: value checks on a {t}")
        if t in ("pad", "flag", "nest") and checks:
            raise SpecError(f"{where}: checks on a {t}")
        if "min" in checks and "max" in checks:
            lo = self.limit(where, checks["min"])[1]
            hi = self.limit(where, checks["max"])[1]
            if lo is not None and hi is not None and lo > hi:
                raise SpecError(f"{where}: min {lo} above max {hi}")

    # Operations.
    def _load_ops(self):
        ops = self.spec["operations"]
        allow("operations", ops, {"name-prefix", "enum-name", "list"},
              ("list",))
        prefix = c_upper(ops.get("name-prefix", self.name + "-cmd-"))
        self.cmd_prefix = prefix
        self.ops = []
        value = 1
        seen = set()
        for op in ops["list"]:
            allow("operation", op,
                  {"name", "doc", "value", "attribute-set", "flags",
                   "dont-validate", "do", "dump", "event", "mcgrp",
                   "notify"}, ("name", "doc"))
            where = f"operation {op['name']}"
            if op["name"] in seen:
                raise SpecError(f"{where}: defined twice")
            seen.add(op["name"])
            value = op.get("value", value)
            op = dict(op, value=value, c_name=prefix + c_upper(op["name"]))
            value += 1
            aset = self.sets.get(op.get("attribute-set"))
            if not aset:
                raise SpecError(f"{where}: unknown attribute set "
                                f"{op.get('attribute-set')}")
            for f in op.get("flags", []):
                if f not in OP_FLAGS:
                    raise SpecError(f"{where}: unknown flag {f}")
            for f in op.get("dont-validate", []):
                if f not in DONT_VALIDATE:
                    raise SpecError(f"{where}: unknown dont-validate {f}")
            for kind in ("do", "dump"):
                if kind not in op:
                    continue
                allow(f"{where} {kind}", op[kind],
                      {"request", "reply", "pre", "post"})
                if kind == "do" and ("pre" in op["do"] or
                                     "post" in op["do"]):
                    raise SpecError(f"{where}: do pre/post are family "
                                    "hooks, not generated")
                for part in ("request", "reply"):
                    if part in op[kind]:
                        allow(f"{where} {kind} {part}", op[kind][part],
                              {"attributes"})
                        self._attr_list(where, aset,
                                        op[kind][part].get("attributes",
                                                           []))
            if "event" in op:
                allow(f"{where} event", op["event"], {"attributes"})
                self._attr_list(where, aset,
                                op["event"].get("attributes", []))
                if "do" in op or "dump" in op:
                    raise SpecError(f"{where}: an event has no handlers")
            elif "do" not in op and "dump" not in op:
                raise SpecError(f"{where}: neither do, dump nor event")
            self.ops.append(op)
        self.cmd_max = value - 1
        handled = {self.sets[op["attribute-set"]]["parent"]["name"]
                   for op in self.ops if "event" not in op}
        for op in self.ops:
            if "event" in op and \
                    self.sets[op["attribute-set"]]["parent"]["name"] in handled:
                raise SpecError(f"operation {op['name']}: an event has an "
                                "attribute set of its own, not a request's")

    def _attr_list(self, where, aset, names):
        for n in names:
            if n not in aset["by-name"]:
                raise SpecError(f"{where}: {aset['name']} has no "
                                f"attribute {n}")

    def _load_mcgrps(self):
        groups = self.spec.get("mcast-groups", {"list": []})
        allow("mcast-groups", groups, {"list"}, ("list",))
        self.mcgrps = []
        for g in groups["list"]:
            allow("multicast group", g, {"name", "flags", "c-define-name"},
                  ("name",))
            for f in g.get("flags", []):
                if f not in MCGRP_FLAGS:
                    raise SpecError(f"group {g['name']}: unknown flag {f}")
            self.mcgrps.append(g)
        names = {g["name"] for g in self.mcgrps}
        for op in self.ops:
            if "event" in op and op.get("mcgrp") not in names:
                raise SpecError(f"operation {op['name']}: unknown group "
                                f"{op.get('mcgrp')}")

    # The global input policy and the nested policies it reaches.
    def policies(self):
        top = None
        accepted = {}
        for op in self.ops:
            if "event" in op:
                continue        # sent, never parsed: no policy
            aset = self.sets[op["attribute-set"]]
            if top is None:
                top = aset["parent"]
            elif aset["parent"] is not top:
                raise SpecError(f"operation {op['name']}: a global policy "
                                "has one attribute enum")
            for kind in ("do", "dump"):
                req = op.get(kind, {}).get("request", {})
                for n in req.get("attributes", []):
                    a = aset["by-name"][n]
                    old = accepted.get(n)
                    if old and old.get("nested-attributes") != \
                            a.get("nested-attributes"):
                        raise SpecError(f"{n}: requests nest different "
                                        "sets in one global policy")
                    accepted[n] = a
        out = []        # (policy name, set, {name: attr}), nested first
        done = {}

        def visit(name, aset, attrs):
            if name in done:
                return
            done[name] = True
            for a in attrs.values():
                if a["type"] == "nest":
                    nested = self.sets[a["nested-attributes"]]
                    visit(self.policy_name(nested), nested,
                          nested["by-name"])
            out.append((name, aset, attrs))

        visit(f"{self.name}_nl_policy", top, accepted)
        self.top = top
        return out

    def policy_name(self, aset):
        return f"{self.name}_{c_lower(aset['name'])}_nl_policy"

    def policy_entry(self, a):
        t = a["type"]
        checks = a.get("checks", {})
        where = a["c_name"]
        if t in SCALARS:
            nla = "NLA_" + c_upper(t)
            if "flags-mask" in checks:
                mask = " | ".join(n for n, _ in
                                  self.enums[checks["flags-mask"]]["entries"])
                return f"NLA_POLICY_MASK({nla}, {mask})"
            lo = self.limit(where, checks["min"])[0] if "min" in checks \
                else None
            hi = self.limit(where, checks["max"])[0] if "max" in checks \
                else None
            enum = self.enums.get(a.get("enum"))
            if enum and enum["type"] == "enum" and hi is None and \
                    not a.get("enum-as-flags"):
                hi = enum["entries"][-1][0]
                if enum["entries"][0][1] != 0 and lo is None:
                    lo = enum["entries"][0][0]
            if lo is not None and hi is not None:
                return f"NLA_POLICY_RANGE({nla}, {lo}, {hi})"
            if lo is not None:
                return f"NLA_POLICY_MIN({nla}, {lo})"
            if hi is not None:
                return f"NLA_POLICY_MAX({nla}, {hi})"
            return f"{{ .type = {nla}, }}"
        if t == "flag":
            return "{ .type = NLA_FLAG, }"
        if t == "binary":
            if "exact-len" in checks:
                return "NLA_POLICY_EXACT_LEN(" + \
                    self.limit(where, checks["exact-len"])[0] + ")"
            if "min-len" in checks:
                raise SpecError(f"{where}: min-len is not generated")
            if "max-len" in checks:
                return "{ .type = NLA_BINARY, .len = " + \
                    self.limit(where, checks["max-len"])[0] + ", }"
            return "{ .type = NLA_BINARY, }"
        if t == "string":
            nla = "NLA_STRING" if checks.get("unterminated-ok") \
                else "NLA_NUL_STRING"
            if "exact-len" in checks or "min-len" in checks:
                raise SpecError(f"{where}: string lengths other than "
                                "max-len are not generated")
            if "max-len" in checks:
                return f"{{ .type = {nla}, .len = " + \
                    self.limit(where, checks["max-len"])[0] + ", }"
            return f"{{ .type = {nla}, }}"
        if t == "nest":
            return "NLA_POLICY_NESTED(" + \
                self.policy_name(self.sets[a["nested-attributes"]]) + ")"
        raise SpecError(f"{where}: a {t} cannot be taken in requests")

    # uapi numbers and constants the spec gives, as C assertions.
    def uapi_asserts(self):
        lines = [f"static_assert({self.c_version_name} == {self.version});"]
        for c_name, value, in_uapi in self.consts.values():
            if in_uapi:
                lines.append(f"static_assert({c_name} == {value});")
        for e in self.enums.values():
            if e["header"]:
                for c_name, value in e["entries"]:
                    lines.append(f"static_assert({c_name} == {value:#x});"
                                 if e["type"] == "flags" else
                                 f"static_assert({c_name} == {value});")
        for s in self.sets.values():
            if s["parent"] is not s:
                continue
            for a in s["by-name"].values():
                lines.append(f"static_assert({a['c_name']} == {a['value']});")
            lines.append(f"static_assert({s['cnt-name']} == {s['max'] + 1});")
        for op in self.ops:
            lines.append(f"static_assert({op['c_name']} == {op['value']});")
        lines.append(f"static_assert(__{self.cmd_prefix}MAX == "
                     f"{self.cmd_max + 1});")
        return lines

    def handler(self, op, kind):
        return f"{self.name}_nl_{c_lower(op['name'])}_{kind}it"

    def hooks(self):
        """Every handler and hook the ops table names, in order, once."""
        names = []
        for op in self.ops:
            dump = op.get("dump", {})
            for n in (c_lower(dump["pre"]) if "pre" in dump else None,
                      self.handler(op, "do") if "do" in op else None,
                      self.handler(op, "dump") if "dump" in op else None,
                      c_lower(dump["post"]) if "post" in dump else None):
                if n and n not in names:
                    names.append(n)
        return names


HEADER = """\
/*
 * Generated by scripts/netlink-gen.py from
 * Documentation/netlink/specs/fennec.yaml: edit the spec and run
 * scripts/netlink-gen.py, never this file (make netlink-check fails).
 */
"""


def prototype(name):
    if name.endswith("_doit"):
        return f"int {name}(struct sk_buff *skb, struct genl_info *info);"
    if name.endswith("_dumpit"):
        col = len(f"int {name}(")
        return (f"int {name}(struct sk_buff *skb,\n" + "\t" * (col // 8) +
                " " * (col % 8) + "struct netlink_callback *cb);")
    return f"int {name}(struct netlink_callback *cb);"


def gen_h(fam, policies):
    out = ["/* SPDX-License-Identifier: GPL-2.0 */", HEADER.rstrip("\n"),
           "#ifndef _FENNEC_NETLINK_GEN_H", "#define _FENNEC_NETLINK_GEN_H",
           "", "#include <net/genetlink.h>", "#include <linux/fennec.h>", ""]
    private = [(c, v) for c, v, in_uapi in fam.consts.values() if not in_uapi]
    if private:
        out.append("/* Constants of the spec that the uapi does not hold. */")
        for c_name, value in private:
            out.append(f"#define {c_name}\t{value}")
        out.append("")
    for name, aset, _ in policies:
        out.append(f"extern const struct nla_policy "
                   f"{name}[{aset['max-name']} + 1];")
    out.append("")
    out.append(f"extern struct genl_family {fam.name}_nl_family;")
    out.append("")
    out.append("/* Multicast groups, by index in the family. */")
    out.append("enum {")
    for g in fam.mcgrps:
        out.append(f"\t{c_upper(fam.name + '-nlgrp-' + g['name'])},")
    out.append("};")
    out.append("")
    for name in fam.hooks():
        out.append(prototype(name))
    out += ["", "#endif /* _FENNEC_NETLINK_GEN_H */"]
    return "\n".join(out) + "\n"


def gen_c(fam, policies):
    out = ["// SPDX-License-Identifier: GPL-2.0", HEADER.rstrip("\n"), "",
           "#include <linux/build_bug.h>", "#include <linux/if.h>",
           "#include <net/genetlink.h>", "", '#include "netlink_gen.h"', "",
           "/* The uapi header's numbers, as the spec gives them. */"]
    out += fam.uapi_asserts()
    for name, aset, attrs in policies:
        out += ["", f"const struct nla_policy {name}[{aset['max-name']} + 1] "
                "= {"]
        for a in sorted(aset["parent"]["by-name"].values(),
                        key=lambda a: a["value"]):
            if a["name"] in attrs:
                entry = fam.policy_entry(attrs[a["name"]])
            else:
                entry = "{ .type = NLA_REJECT, }"
            out.append(f"\t[{a['c_name']}] = {entry},")
        out.append("};")
    top = fam.top
    out += ["", f"static const struct genl_ops {fam.name}_nl_ops[] = {{"]
    for op in fam.ops:
        if "event" in op:
            continue
        dump = op.get("dump", {})
        out.append("\t{")
        out.append(f"\t\t.cmd = {op['c_name']},")
        if "pre" in dump:
            out.append(f"\t\t.start = {c_lower(dump['pre'])},")
        if "do" in op:
            out.append(f"\t\t.doit = {fam.handler(op, 'do')},")
        if "dump" in op:
            out.append(f"\t\t.dumpit = {fam.handler(op, 'dump')},")
        if "post" in dump:
            out.append(f"\t\t.done = {c_lower(dump['post'])},")
        out.append(f"\t\t.policy = {fam.name}_nl_policy,")
        out.append(f"\t\t.maxattr = {top['max-name']},")
        if op.get("dont-validate"):
            out.append("\t\t.validate = " + " | ".join(
                DONT_VALIDATE[f] for f in op["dont-validate"]) + ",")
        if op.get("flags"):
            out.append("\t\t.flags = " + " | ".join(
                OP_FLAGS[f] for f in op["flags"]) + ",")
        out.append("\t},")
    out.append("};")
    out += ["", f"static const struct genl_multicast_group "
            f"{fam.name}_nl_mcgrps[] = {{"]
    for g in fam.mcgrps:
        index = c_upper(fam.name + "-nlgrp-" + g["name"])
        out.append(f"\t[{index}] = {{")
        out.append(f"\t\t.name = {mcgrp_define(fam, g)},")
        for f in g.get("flags", []):
            flag = MCGRP_FLAGS[f]
            out += [f"#ifdef {flag}", f"\t\t.flags = {flag},", "#endif"]
        out.append("\t},")
    out.append("};")
    out += ["", f"struct genl_family {fam.name}_nl_family __ro_after_init = {{",
            f"\t.name = {fam.c_family_name},",
            f"\t.version = {fam.c_version_name},",
            "\t.netnsok = true,", "\t.parallel_ops = true,",
            "\t.module = THIS_MODULE,",
            f"\t.ops = {fam.name}_nl_ops,",
            f"\t.n_ops = ARRAY_SIZE({fam.name}_nl_ops),",
            f"\t.mcgrps = {fam.name}_nl_mcgrps,",
            f"\t.n_mcgrps = ARRAY_SIZE({fam.name}_nl_mcgrps),", "};"]
    return "\n".join(out) + "\n"


def mcgrp_define(fam, g):
    return c_upper(g.get("c-define-name",
                         f"{fam.name}-mcgrp-{g['name']}"))


def check_uapi(fam):
    """Compiles the spec's assertions against the uapi header, in userspace:
    the uapi drifts from the spec without the module being built."""
    problems = []
    with open(os.path.join(TOP, UAPI)) as f:
        text = f.read()
    m = re.search(r"#define\s+" + re.escape(fam.c_family_name) +
                  r'\s+"([^"]*)"', text)
    if not m or m.group(1) != fam.name:
        problems.append(f"{UAPI}: {fam.c_family_name} is not \"{fam.name}\"")
    for g in fam.mcgrps:
        define = mcgrp_define(fam, g)
        m = re.search(r"#define\s+" + define + r'\s+"([^"]*)"', text)
        if not m or m.group(1) != g["name"]:
            problems.append(f"{UAPI}: {define} is not \"{g['name']}\"")
    src = "#include <assert.h>\n#include <linux/fennec.h>\n" + \
        "\n".join(fam.uapi_asserts()) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".c") as tu:
        tu.write(src)
        tu.flush()
        r = subprocess.run([os.environ.get("CC", "cc"), "-std=gnu11",
                            "-fsyntax-only", "-I",
                            os.path.join(TOP, "include/uapi"), tu.name],
                           capture_output=True, text=True)
    if r.returncode:
        lines = [ln for ln in r.stderr.splitlines()
                 if "static assertion failed" in ln or "error" in ln]
        for ln in lines:
            n = re.search(r":(\d+):\d+:", ln)
            stmt = src.splitlines()[int(n.group(1)) - 1] if n else ln
            problems.append(f"{UAPI} differs from the spec: {stmt}")
        if not lines:
            problems.append(f"{UAPI}: does not compile:\n{r.stderr}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="fail on drift instead of writing the files")
    args = ap.parse_args()
    try:
        with open(os.path.join(TOP, SPEC)) as f:
            spec = yaml.safe_load(f)
        fam = Family(spec)
        policies = fam.policies()
        files = {OUT_H: gen_h(fam, policies), OUT_C: gen_c(fam, policies)}
    except (SpecError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f"netlink-gen: {SPEC}: {e}", file=sys.stderr)
        return 1
    if not args.check:
        for path, text in files.items():
            with open(os.path.join(TOP, path), "w") as f:
                f.write(text)
        return 0
    problems = []
    for path, text in files.items():
        try:
            with open(os.path.join(TOP, path)) as f:
                have = f.read()
        except FileNotFoundError:
            have = ""
        if have != text:
            diff = difflib.unified_diff(text.splitlines(True),
                                        have.splitlines(True),
                                        "from the spec", path)
            problems.append(f"{path} differs from what the spec generates "
                            "(run scripts/netlink-gen.py):\n" +
                            "".join(diff).rstrip("\n"))
    problems += check_uapi(fam)
    for p in problems:
        print(f"netlink-check: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"netlink-check: {OUT_C}, {OUT_H} and {UAPI} match {SPEC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
