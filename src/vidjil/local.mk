# .vidjil / .analysis / AIRR files and the native fuse.
