"""deploy/nginx/narvaro.conf as a plain loopback site, for the nginx test and the national
polling bench (no tests here): its http-level lines and its TLS server without TLS (the
redirecting port-80 server left out), placeholders pointed into a folder of the caller's."""

from pathlib import Path

from webapp.config import ROOT

DEPLOY = ROOT / "deploy"
SNIPPETS = DEPLOY / "nginx" / "snippets"


def site_config(folder: Path, port: int, app_port: int, feeds: Path | None = None) -> str:
    """The site's lines for an nginx `http` block: listening on 127.0.0.1:`port`, proxying to
    127.0.0.1:`app_port`, its cache and logs in `folder`, published feeds read from `feeds`
    (default: `folder`/feeds)."""
    text = (DEPLOY / "nginx" / "narvaro.conf").read_text()
    head, _plain, tls = text.split("\nserver {")
    replacements = {
        "include snippets/": f"include {SNIPPETS}/",
        "/var/cache/nginx/narvaro": str(folder / "cache"),
        "/var/log/nginx/": f"{folder}/",
        "/srv/narvaro/app/": f"{ROOT}/",
        "/srv/narvaro/feeds;": f"{feeds or folder / 'feeds'};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    site = head + "\nserver {" + tls
    for placeholder, real in replacements.items():
        if placeholder not in site:
            raise RuntimeError(f"deploy/nginx/narvaro.conf no longer has {placeholder!r}")
        site = site.replace(placeholder, real)
    kept = []
    for line in site.splitlines():
        stripped = line.strip()
        if stripped.startswith("listen 443"):
            kept.append(f"    listen 127.0.0.1:{port};")
        elif not stripped.startswith(("listen [::]:443", "ssl_")):
            kept.append(line)
    return "\n".join("    " + line if line else line for line in kept)
