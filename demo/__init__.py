"""The fictional county 青山县 for development and the browser tests (`manage.py seed_demo`).

The top layer: it builds its rows through the apps' services, and nothing imports it but its own
command, its tests and the benchmark.
"""
