"""What a deploy did or would do, counted the same way for every target."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class DeployReport:
    target: str
    dry_run: bool = False
    uploaded: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    """Of `uploaded`, the files the previous release did not have (folder targets; empty when the
    target cannot tell new from changed)."""
    skipped: int = 0
    deleted: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> str:
        """One line: files uploaded / unchanged / deleted, bytes, seconds."""
        verb = "将上传" if self.dry_run else "上传"
        seconds = time.monotonic() - self.started
        return (
            f"{'（演练，未做任何改动）' if self.dry_run else ''}{self.target}：{verb} {len(self.uploaded)} 个文件"
            f"（{self.bytes_uploaded / 2**20:.1f} MB），未变 {self.skipped} 个，"
            f"{'将删除' if self.dry_run else '删除'} {len(self.deleted)} 个，用时 {seconds:.1f} 秒"
        )
