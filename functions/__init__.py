"""One blueprint module per capability (`bp`), registered by function_app.py. Entry points stay thin:
parse, authorise, call one use case in shared_code, respond."""
