"""The application: launching the window (launch), the App that ties the window, the
live flow and the store together (application), and its parts: care (losses, backups,
restore), privacy (the passphrase), planning (the plan), safekeeping (rescue copies,
the folder's lock), the desktop's display and libraries (desktop), the error log."""
