"""Publishing a built site: to a folder, an SSH host (rsync) or S3-compatible storage.

Every target shows readers either the old site or the new one, never a mixture: folders and SSH
hosts switch a `current` symlink to a fresh release atomically; buckets receive new assets before
the HTML that references them, and stale files are deleted only after everything new is up.
"""
