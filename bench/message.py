#!/usr/bin/env python3
"""bench/message.py PORT -- logs in to the console of the summitd on PORT
as admin@example.org, then times the preview and the send of a message
to every confirmed participant (bench/message.sh makes them)."""
import http.client
import re
import sys
import time
import urllib.parse

port = int(sys.argv[1])
cookies = {}


def request(method, path, form=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"Cookie": "; ".join("%s=%s" % kv for kv in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        h["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    r.text = r.read().decode()
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    conn.close()
    return r


def csrf(path):
    return re.search(r'name="_csrf" value="([0-9a-f]+)"',
                     request("GET", path).text).group(1)


for _ in range(100):
    try:
        request("GET", "/health")
        break
    except OSError:
        time.sleep(0.1)
r = request("POST", "/console/login", {
    "_csrf": csrf("/console/login"), "email": "admin@example.org",
    "password": "correct horse battery"})
assert r.status == 303, r.status
form = {"_csrf": csrf("/console/messages"),
        "subject_nb": "Hei {name}", "subject_en": "Hello {name}",
        "body_nb": "Dine sesjoner:\n{sessions}\nSiden din: {link}",
        "body_en": "Your sessions:\n{sessions}\nYour page: {link}",
        "status": "confirmed"}
t = time.monotonic()
r = request("POST", "/console/messages/preview", form)
preview = time.monotonic() - t
assert r.status == 200, r.status
t = time.monotonic()
r = request("POST", "/console/messages/send", form)
send = time.monotonic() - t
assert r.status == 303, (r.status, r.text[:500])
print("preview (count and sample)  %.3f s" % preview)
print("queued (%s)  %.3f s" % (r.getheader("Location").split("?")[1], send))
