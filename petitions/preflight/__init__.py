"""`flask --app petitions check`: every problem of a production configuration at once.

create_app refuses a weak secret, one at a time, and a missing key or an unmigrated
database only shows once a citizen meets it. Before a deploy the operator wants the
whole list: the preflight reads the configuration exactly as create_app does
(``petitions.configured_app``) without refusing any of it, looks at what the servers
will need (keys, catalogs, database, the limits' storage) and prints one line per
problem, saying what is wrong and what to do. ``settings`` holds the checks of the
configuration and its files, ``services`` those of the servers it names, ``cli`` the
command.
"""
