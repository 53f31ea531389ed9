"""The office's side of the exchange: one bundle per active helper into a folder, and a batch
import of a folder of helpers' bundles (each refused file quarantined, the others imported)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.errors import XietongError
from core.fingerprint import normalise_fingerprint
from sync import exchange
from sync.app.files import (
    BUNDLE_SUFFIX,
    PathLike,
    bundle_paths,
    file_in,
    quarantine_dir,
    typed_path,
    write_file,
)
from sync.app.office.access import Progress, helper_names, office_of
from sync.app.session import Service
from sync.protocol.errors import BundleRejected
from sync.protocol.format import parse


def export_all(svc: Service, folder: PathLike, *, progress: Progress | None = None) -> list[dict[str, Any]]:
    """One bundle per enrolled (active) helper into ``folder``, named after the helper; a row per
    helper. One helper whose keys or file cannot be used does not stop the others."""
    store, me = office_of(svc)
    target_dir = typed_path(folder)
    helpers = [h for h in store.list("helper") if h.data.get("status") == "active"]
    out = []
    for i, h in enumerate(helpers):
        fp = str(h.data["fingerprint"])
        name = str(h.data.get("name", ""))
        target = file_in(target_dir, f"至{name}-{fp[:5]}{BUNDLE_SUFFIX}")
        try:
            sealed = exchange.seal_bundle(store, me, fp, clock=svc.clock)
            write_file(target, sealed.blob)
            sealed.commit()  # written: its records and subjects count as handed over
        except XietongError as exc:
            out.append({"helper": name, "fingerprint": fp, "file": "", "bytes": 0, "error": exc.message})
        else:
            out.append({"helper": name, "fingerprint": fp, "file": str(target), "bytes": len(sealed.blob), "error": ""})
        if progress:
            progress(i + 1, len(helpers), target.name)
    return out


def export_to_helper(svc: Service, helper_fp: str, out: PathLike) -> dict[str, Any]:
    """The next bundle for one helper, written to ``out`` (a folder gets the helper's file name);
    it counts as handed over once written."""
    store, me = office_of(svc)
    fp = normalise_fingerprint(helper_fp)
    target = typed_path(out)
    if target.is_dir():
        name = helper_names(store).get(fp, "")
        target = file_in(target, f"至{name}-{fp[:5]}{BUNDLE_SUFFIX}")
    sealed = exchange.seal_bundle(store, me, fp, clock=svc.clock)
    write_file(target, sealed.blob)
    sealed.commit()
    return {"fingerprint": fp, "file": str(target), "bytes": len(sealed.blob)}


def batch_import(
    svc: Service, items: PathLike | Iterable[PathLike], *, progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Import every bundle in a folder (or the files and folders listed), in turn; a result row
    per file. A refused file is quarantined and does not stop the others."""
    store, me = office_of(svc)
    named: list[PathLike] = [items] if isinstance(items, (str, Path)) else list(items)  # type: ignore[arg-type]
    paths = bundle_paths(named)
    names = helper_names(store)
    results = []
    for i, path in enumerate(paths):
        o = exchange.import_file(store, me, path, quarantine_dir(svc.home), clock=svc.clock)
        sender = o.sender or (_claimed_sender(Path(o.quarantined)) if o.quarantined else None)
        results.append(
            {
                "file": path.name,
                "path": str(path),
                "status": o.status,
                "sender": sender,
                "sender_name": names.get(sender or "", ""),
                "seq": o.seq,
                "counts": dict(o.counts),
                "gap": o.gap,
                "code": o.code,
                "message": o.message or "",
                "quarantined": o.quarantined,
                "warnings": list(o.warnings),
            }
        )
        if progress:
            progress(i + 1, len(paths), path.name)
    return results


def _claimed_sender(path: Path) -> str | None:
    """Who a refused bundle says it is from (unauthenticated: only to tell the officer whose stick)."""
    try:
        return str(parse(path.read_bytes()).header.sender)
    except (BundleRejected, OSError, ValueError):
        return None
