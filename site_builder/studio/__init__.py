"""The 写作台 (`site-builder studio`, issue #16): a local web app to write, import, check, preview,
review and publish, over the same core as the command line.

`server.run_studio` starts it; `app.create_app` is the application; `engine` is the one module that
reaches the engine adapter (as `cli.py` does for the command line).
"""
