"""gdb commands that print what the memory shell prints, from the kernel's
own structures (tools/gdb loads this file; so can any gdb on tessera.elf:
source tools/gdb-tessera.py).

    tessera zones          each zone: span, present / managed / free pages,
                           pages in the hart caches, watermarks
    tessera buddy          each zone's free blocks per order
    tessera slab           every slab cache: object size, objects in use, slabs
    tessera task           every task: id, name, threads, faults, its table
    tessera pt TASK VA     the walk of VA in the table of the task with id TASK

They read memory through the stub (QEMU's), so the kernel must be stopped
where its structures are settled: at a breakpoint outside the allocators
(tools/gdb's own, or one of yours).  The lines have the shell's form, so
the two can be compared (tests/qemu/test_gdb.py does).
"""
import gdb

PAGE = 4096


def field_offset(type_name, field):
    for f in gdb.lookup_type(type_name).fields():
        if f.name == field:
            return f.bitpos // 8
    raise gdb.GdbError("no field %s in %s" % (field, type_name))


def each_in_list(head, type_name, field):
    """The objects of type_name on the list at `head` (a struct list value), by `field`."""
    off = field_offset(type_name, field)
    ptr = gdb.lookup_type(type_name).pointer()
    node = head["next"]
    start = head.address
    while int(node) != int(start):
        yield (node.cast(gdb.lookup_type("char").pointer()) - off).cast(ptr).dereference()
        node = node["next"]


def string(value):
    return value.string() if int(value) else "?"


def zones():
    kmem = gdb.parse_and_eval("kmem")
    nharts = int(kmem["nharts"])
    out = []
    for z in range(3):
        zone = kmem["zones"][z]
        name = string(zone["name"])
        start, end = int(zone["start"]), int(zone["end"])
        if end <= start:
            out.append(("zone %s: empty" % name, zone, name))
            continue
        cached = sum(int(kmem["pcp"][h][z]["count"]) for h in range(nharts))
        out.append(("zone %s: 0x%x-0x%x, %d pages present, %d managed, %d free, %d in hart caches"
                    % (name, start, end, int(zone["present_pages"]), int(zone["managed_pages"]),
                       int(zone["free_pages"]), cached), zone, name))
    return out


class Tessera(gdb.Command):
    """Tessera's memory, from the kernel's structures: tessera zones|buddy|slab|task|pt TASK VA."""

    def __init__(self):
        super().__init__("tessera", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class Zones(gdb.Command):
    """Each zone: span, present / managed / free pages, hart caches, watermarks."""

    def __init__(self):
        super().__init__("tessera zones", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for line, zone, name in zones():
            print(line)
            if not line.endswith("empty"):
                w = zone["watermark"]
                print("  watermarks: min %d, low %d, high %d pages" % (int(w[0]), int(w[1]), int(w[2])))


class Buddy(gdb.Command):
    """Each zone's free blocks per order, counted on the free lists themselves;
    the largest order adds the zone's chunks not set up yet (`deferred`:
    free, but on no list until first used)."""

    def __init__(self):
        super().__init__("tessera buddy", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        orders = int(gdb.parse_and_eval("sizeof(kmem.zones[0].free) / sizeof(kmem.zones[0].free[0])"))
        for line, zone, name in zones():
            if line.endswith("empty"):
                print("buddy %s: empty" % name)
                continue
            rows = []
            deferred = int(zone["deferred"])
            for o in range(orders):
                blocks = sum(1 for _ in each_in_list(zone["free"][o]["blocks"], "struct frame", "link"))
                blocks += deferred if o == orders - 1 else 0
                rows.append((o, blocks, blocks << o))
            print("buddy %s: %d free pages" % (name, sum(r[2] for r in rows)))
            print("  order  blocks    pages")
            for o, blocks, pages in rows:
                print("  %5d %7d %8d" % (o, blocks, pages))
            if deferred:
                print("  (%d of the order-%d blocks: chunks whose descriptors are not set up "
                      "yet, on no list)" % (deferred, orders - 1))


class Slab(gdb.Command):
    """Every slab cache: object size, objects in use, slabs full / partial / empty."""

    def __init__(self):
        super().__init__("tessera slab", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        head = gdb.parse_and_eval("'slab_cache.c'::cache_list")
        print("%-20s %8s %8s %7s %7s %7s" % ("cache", "size", "inuse", "full", "partial", "empty"))
        n = 0
        for c in each_in_list(head, "struct kmem_cache", "link"):
            s = c["nslabs"]
            print("%-20s %8d %8d %7d %7d %7d" % (c["name"].string(), int(c["size"]), int(c["inuse"]),
                                                int(s[0]), int(s[1]), int(s[2])))
            n += 1
        print("%d caches" % n)


def tasks():
    return list(each_in_list(gdb.parse_and_eval("'task.c'::all_tasks"), "struct task", "all_link"))


class Task(gdb.Command):
    """Every task: id, name, live threads, faults, its page table's root and levels."""

    def __init__(self):
        super().__init__("tessera task", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        for t in tasks():
            print("task %d (%s): %d threads, %d faults, root 0x%x, %d levels%s" %
                  (int(t["id"]), t["name"].string(), int(t["live_threads"]), int(t["faults"]),
                   int(t["pt"]["root"]), int(t["pt"]["levels"]), ", ended" if bool(t["exited"]) else ""))


class Pt(gdb.Command):
    """tessera pt TASK VA: the walk of VA in the page table of the task with id TASK."""

    def __init__(self):
        super().__init__("tessera pt", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        words = gdb.string_to_argv(arg)
        if len(words) != 2:
            raise gdb.GdbError("usage: tessera pt TASK VA")
        want, va = int(words[0], 0), int(words[1], 0)
        found = [t for t in tasks() if int(t["id"]) == want]
        if not found:
            raise gdb.GdbError("no task with id %d" % want)
        t = found[0]
        levels, table = int(t["pt"]["levels"]), int(t["pt"]["root"])
        window = gdb.parse_and_eval("phys_window")
        wpa, wva = int(window["pa"]), int(window["va"])
        inferior = gdb.selected_inferior()
        print("pt: task %d (%s) va 0x%x: Sv%d, root table 0x%x" %
              (want, t["name"].string(), va, 48 if levels == 4 else 39, table))
        for level in range(levels - 1, -1, -1):
            index = (va >> (12 + 9 * level)) & 511
            raw = inferior.read_memory(wva + table - wpa + 8 * index, 8)
            pte = int.from_bytes(bytes(raw), "little")
            bits = " ".join(n for b, n in enumerate("VRWXUGAD") if pte >> b & 1) or "(invalid)"
            print("  level %d: table 0x%x index %3d: pte 0x%016x %s" % (level, table, index, pte, bits))
            if not pte & 1:
                print("  0x%x is not mapped" % va)
                return
            nxt = ((pte >> 10) & ((1 << 44) - 1)) << 12
            if pte & 0xe:
                size = PAGE << (9 * level)
                print("  0x%x -> 0x%x" % (va, nxt + (va & (size - 1))))
                return
            table = nxt


Tessera()
Zones()
Buddy()
Slab()
Task()
Pt()
