"""Entry points of the background jobs (paths fixed by DESIGN.md).

Each is a plain function doing its work synchronously; the scheduler and the
desk enqueue them. The work itself lives in each area's own module.
"""
