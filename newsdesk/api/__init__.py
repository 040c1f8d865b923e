"""The REST API's shared parts: the router (``router``), pagination, errors, schema, renderers and parsers."""
