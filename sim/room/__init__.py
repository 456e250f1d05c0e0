"""The drill room: one drill, one clock, one journal, many seats.

Headless (never imports Textual): the roles and what each seat may do
(``roles``), the room's clock with an injectable time source (``clock``),
the room itself (``room``: decisions checked against the seat's role, the
journal, the picture each seat sees), the wire protocol and its codec
(``protocol``, ``codec``), the WebSocket host and seat client (``host``,
``client``) and the browser seats (``web``). ``engine`` is the one place that
knows the engine's Drill API.
"""
