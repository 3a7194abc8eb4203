"""What every sandbox shares, once: serving a stand-in over real HTTP on a background thread (`http`), and running
one from a shell until Ctrl-C (`serve`). Generic plumbing only: nothing here knows a vendor, a schema or a contract.
"""
