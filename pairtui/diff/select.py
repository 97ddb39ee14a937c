"""Choosing parts of a Patch: hunk specs, hunk subsets, split hunks, single lines, reversal.

Everything here is pure and returns new values. A filtered Patch is always a valid patch on
its own: hunk positions are recomputed for the dropped hunks (so `git apply` and our apply find
each hunk where it belongs), hunks that share context after a split are merged back, and a
file's rename or mode change stays exactly when at least one of its hunks stays.
"""

from __future__ import annotations

from pairtui.diff.model import BinaryPatch, DiffLine, FileDiff, FileStatus, Hunk, Patch
from pairtui.errors import PatchError


def parse_spec(spec: str, total: int) -> list[int]:
    """"1,3-5" | "all" | "none" -> sorted 1-based hunk numbers; PatchError names a bad part."""
    text = spec.strip().lower()
    if text == "all":
        return list(range(1, total + 1))
    if text == "none":
        return []
    if not text:  # an unset shell variable must not mean "none" (that rejects every change)
        raise PatchError("empty hunk spec (use e.g. 1,3-5, all or none)")
    chosen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        lo, dash, hi = part.partition("-")
        if not lo.strip().isdigit() or (dash and not hi.strip().isdigit()):
            raise PatchError(f"bad hunk spec {part!r} in {spec!r} (use e.g. 1,3-5, all or none)")
        a = int(lo)
        b = int(hi) if dash else a
        if a > b:
            raise PatchError(f"bad hunk range {part!r}: {a} is after {b}")
        for n in (a, b):
            if not 1 <= n <= total:
                raise PatchError(f"hunk {n} is out of range: the patch has {total} hunk(s)")
        chosen.update(range(a, b + 1))
    return sorted(chosen)


def select_hunks(patch: Patch, numbers: list[int] | set[int], *, for_reverse: bool = False
                 ) -> Patch:
    """The patch with only these 1-based hunks (numbering of `Patch.hunk_refs`).

    Positions are recomputed on the side the patch will be applied to: the old side normally,
    the new side with `for_reverse=True` (un-applying hunks from a tree that has them all).
    A file's rename or mode change is applied with any of its hunks, and un-applied only
    with all of them (so it stays exactly when at least one of its hunks stays).
    """
    refs = patch.hunk_refs()
    wanted: dict[int, set[int]] = {}
    whole: dict[int, int] = {}  # file index -> the number a whole-file change was chosen by
    for n in numbers:
        if not 1 <= n <= len(refs):
            raise PatchError(f"hunk {n} is out of range: the patch has {len(refs)} hunk(s)")
        fi, hi = refs[n - 1]
        wanted.setdefault(fi, set()).add(hi)
        whole[fi] = n
    files: list[FileDiff] = []
    for fi, f in enumerate(patch.files):
        keep = wanted.get(fi)
        if not keep:
            continue
        if f.is_binary or not f.hunks:
            files.append(f if f.number else f._replace(number=whole[fi]))  # errors name it as listed
            continue
        hunks = [h for hi, h in enumerate(f.hunks) if hi in keep]
        if for_reverse and len(hunks) < len(f.hunks):
            f = _content_only(f)
        files.append(with_hunks(f, hunks, for_reverse=for_reverse))
    return Patch(tuple(files))


def _content_only(f: FileDiff) -> FileDiff:
    """A rename or mode change stays while any hunk of its file stays: un-applying only some
    hunks of a renamed file changes its content at the new path and keeps the new name."""
    if f.old_path is None or f.new_path is None:
        return f
    if f.old_path == f.new_path and not f.mode_changed:
        return f
    return f._replace(old_path=f.new_path, status=FileStatus.MODIFIED, old_mode=f.new_mode,
                   similarity=None, old_oid=None, new_oid=None)


def with_hunks(f: FileDiff, hunks: list[Hunk], *, for_reverse: bool = False,
               merge: bool = True) -> FileDiff:
    """`f` carrying exactly these hunks (in file order), positions and status made consistent.

    With `merge` (the default, needed before applying) hunks sharing lines, such as split parts
    next to each other, are joined, and positions are recomputed for the side applied to."""
    hunks = sorted(hunks, key=lambda h: (h.old_start, h.new_start))
    if merge:
        hunks = _reposition(_merge_overlapping(hunks), for_reverse)
    same = tuple(hunks) == f.hunks
    status, new_path, new_mode = f.status, f.new_path, f.new_mode
    if f.status is FileStatus.DELETED and any(h.new_len for h in hunks):
        # Keeping some lines of a deleted file means the file stays, modified.
        status, new_path, new_mode = FileStatus.MODIFIED, f.old_path, f.old_mode
    return f._replace(hunks=tuple(hunks), status=status, new_path=new_path, new_mode=new_mode,
                   old_oid=f.old_oid if same else None, new_oid=f.new_oid if same else None)


def _before(start: int, length: int) -> int:
    """Lines of the file before a hunk side (git writes "-5,0" for an insertion after line 5)."""
    return start - 1 if length else start


def _start(before: int, length: int) -> int:
    return before + 1 if length else before


def _reposition(hunks: list[Hunk], for_reverse: bool) -> list[Hunk]:
    delta = 0
    out: list[Hunk] = []
    for h in hunks:
        old_start, new_start = h.old_start, h.new_start
        if for_reverse:
            old_start = _start(_before(h.new_start, h.new_len) - delta, h.old_len)
        else:
            new_start = _start(_before(h.old_start, h.old_len) + delta, h.new_len)
        if (old_start, new_start) == (h.old_start, h.new_start):
            out.append(h)
        else:
            out.append(h.moved(old_start, new_start))
        delta += h.new_len - h.old_len
    return out


def _merge_overlapping(hunks: list[Hunk]) -> list[Hunk]:
    """Join hunks whose old ranges share lines (split parts share their context)."""
    out: list[Hunk] = []
    for h in hunks:
        if out:
            prev = out[-1]
            prev_end = _before(prev.old_start, prev.old_len) + prev.old_len
            overlap = prev_end - _before(h.old_start, h.old_len)
            if overlap > 0:
                out[-1] = _join(prev, h, overlap)
                continue
        out.append(h)
    return out


def _join(a: Hunk, b: Hunk, overlap: int) -> Hunk:
    skipped = 0
    rest = list(b.lines)
    while skipped < overlap and rest and rest[0].kind == " ":
        rest.pop(0)
        skipped += 1
    if skipped != overlap:
        raise PatchError(f"hunks {a.number} and {b.number} overlap; select them together")
    lines = a.lines + tuple(rest)
    old_len = sum(1 for ln in lines if ln.kind != "+")
    new_len = sum(1 for ln in lines if ln.kind != "-")
    return Hunk(a.old_start, old_len, a.new_start, new_len, a.section, lines, a.number)


def split_hunk(hunk: Hunk) -> list[Hunk]:
    """Divide a hunk at its unchanged lines (like `git add -p`'s `s`).

    Each part keeps all the context around its change block; parts next to each other share
    the context between them (selecting both merges them back, see `select_hunks`).
    """
    lines = hunk.lines
    blocks: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if lines[i].kind == " ":
            i += 1
            continue
        j = i
        while j < n and lines[j].kind != " ":
            j += 1
        blocks.append((i, j))
        i = j
    if len(blocks) <= 1:
        return [hunk]
    parts: list[Hunk] = []
    old_before0 = _before(hunk.old_start, hunk.old_len)
    new_before0 = _before(hunk.new_start, hunk.new_len)
    for k in range(len(blocks)):
        start = blocks[k - 1][1] if k else 0
        end = blocks[k + 1][0] if k + 1 < len(blocks) else n
        part = lines[start:end]
        olds_before = sum(1 for ln in lines[:start] if ln.kind != "+")
        news_before = sum(1 for ln in lines[:start] if ln.kind != "-")
        old_len = sum(1 for ln in part if ln.kind != "+")
        new_len = sum(1 for ln in part if ln.kind != "-")
        parts.append(Hunk(_start(old_before0 + olds_before, old_len), old_len,
                          _start(new_before0 + news_before, new_len), new_len,
                          hunk.section, part, hunk.number))
    return parts


def select_lines(hunk: Hunk, line_indexes: list[int] | set[int]) -> Hunk:
    """Keep only the chosen +/- lines (indexes into hunk.lines), like `git add -p`'s `e`:
    an unchosen "-" line stays as context, an unchosen "+" line is dropped.

    One case needs care: an unchosen last line without a newline that would be followed by
    chosen added lines is kept by removing it and adding it back with a newline.
    """
    chosen = set(line_indexes)
    for idx in chosen:
        if not 0 <= idx < len(hunk.lines):
            raise PatchError(f"hunk {hunk.number}: line {idx} is out of range")
    out: list[DiffLine] = []
    for idx, line in enumerate(hunk.lines):
        if line.kind == " " or idx in chosen:
            out.append(line)
        elif line.kind == "-":
            out.append(line._replace(kind=" "))
    fixed: list[DiffLine] = []
    for k, line in enumerate(out):
        if line.kind == " " and line.no_newline and any(x.kind == "+" for x in out[k + 1:]):
            fixed.append(line._replace(kind="-", new_no=None))
            fixed.append(DiffLine("+", line.raw, None, None, False))
        else:
            fixed.append(line)
    return _renumber(hunk, fixed)


def _renumber(hunk: Hunk, lines: list[DiffLine]) -> Hunk:
    old_len = sum(1 for ln in lines if ln.kind != "+")
    new_len = sum(1 for ln in lines if ln.kind != "-")
    old_no = _before(hunk.old_start, hunk.old_len) + 1
    new_no = _before(hunk.new_start, hunk.new_len) + 1
    numbered: list[DiffLine] = []
    for ln in lines:
        o = old_no if ln.kind != "+" else None
        nw = new_no if ln.kind != "-" else None
        numbered.append(DiffLine(ln.kind, ln.raw, o, nw, ln.no_newline))
        old_no += ln.kind != "+"
        new_no += ln.kind != "-"
    return Hunk(_start(_before(hunk.old_start, hunk.old_len), old_len), old_len,
                _start(_before(hunk.new_start, hunk.new_len), new_len), new_len,
                hunk.section, tuple(numbered), hunk.number)


def has_changes(hunk: Hunk) -> bool:
    return any(line.kind != " " for line in hunk.lines)


def replace_hunk(patch: Patch, number: int, hunks: list[Hunk]) -> Patch:
    """The patch with hunk `number` replaced by `hunks` (its split parts, or a line selection);
    parts without changes are dropped, and a file left with nothing is dropped.

    Split parts stay separate (each gets its own number); pass the result through
    `select_hunks` before applying it, which joins chosen parts that share context."""
    refs = patch.hunk_refs()
    if not 1 <= number <= len(refs):
        raise PatchError(f"hunk {number} is out of range: the patch has {len(refs)} hunk(s)")
    fi, hi = refs[number - 1]
    f = patch.files[fi]
    if f.is_binary or not f.hunks:
        raise PatchError(f"{f.path}: hunk {number} is a whole-file change and cannot be edited")
    new = list(f.hunks[:hi]) + [h for h in hunks if has_changes(h)] + list(f.hunks[hi + 1:])
    files = list(patch.files)
    if new:
        files[fi] = with_hunks(f, new, merge=False)._replace(old_oid=None, new_oid=None)
    else:
        del files[fi]
    return Patch(tuple(files))


def reverse_patch(patch: Patch) -> Patch:
    """The patch that undoes `patch` (what `git apply --reverse` applies)."""
    return Patch(tuple(_reverse_file(f) for f in patch.files))


_FLIP = {FileStatus.ADDED: FileStatus.DELETED, FileStatus.DELETED: FileStatus.ADDED}


def _reverse_file(f: FileDiff) -> FileDiff:
    binary = f.binary
    if binary is not None:
        binary = BinaryPatch(binary.reverse, binary.forward) if binary.reverse else None
    hunks = tuple(
        Hunk(h.new_start, h.new_len, h.old_start, h.old_len, h.section,
             tuple(DiffLine("+" if ln.kind == "-" else "-" if ln.kind == "+" else " ",
                            ln.raw, ln.new_no, ln.old_no, ln.no_newline) for ln in h.lines),
             h.number)
        for h in f.hunks)
    return f._replace(old_path=f.new_path, new_path=f.old_path, status=_FLIP.get(f.status, f.status),
                   hunks=hunks, old_mode=f.new_mode, new_mode=f.old_mode, old_oid=f.new_oid,
                   new_oid=f.old_oid, binary=binary,
                   similarity=f.similarity)


def single_hunk_patch(file: FileDiff, hunk: Hunk | None) -> Patch:
    """A patch carrying one hunk of `file`, to reverse-apply to (or re-apply in) the working
    tree. A whole-file change (binary, mode, rename, a new or deleted file's only hunk) is taken
    whole; any other hunk is a plain content change of the file at its new path."""
    if hunk is None or file.is_binary or not file.hunks:
        return Patch((file,))
    whole = len(file.hunks) == 1 and file.hunks[0] is hunk
    if whole and file.status in (FileStatus.ADDED, FileStatus.DELETED):
        return Patch((file,))
    path = file.new_path or file.old_path
    plain = file._replace(old_path=path, new_path=path, status=FileStatus.MODIFIED,
                    old_mode=file.new_mode or file.old_mode, new_mode=file.new_mode or file.old_mode,
                    old_oid=None, new_oid=None, similarity=None, binary=None)
    return Patch((with_hunks(plain, [hunk], for_reverse=True),))
