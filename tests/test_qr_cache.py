"""QR codes are built once per URL and label, not on every request to /subscribe."""

from webapp.public.qr import qr_svg


def test_a_cached_qr_code_is_identical_to_a_fresh_one():
    qr_svg.cache_clear()
    url = "https://narvaro.example/feeds/torget.ics"

    first = qr_svg(url, label="QR-kod till kalendern Torget")
    second = qr_svg(url, label="QR-kod till kalendern Torget")

    assert second is first
    assert first == qr_svg.__wrapped__(url, label="QR-kod till kalendern Torget")
    assert (qr_svg.cache_info().hits, qr_svg.cache_info().misses) == (1, 1)
    assert qr_svg(url) != first  # the label is part of the key
    assert qr_svg.cache_info().maxsize == 128


def test_the_subscribe_page_reuses_its_qr_codes(app, client):
    qr_svg.cache_clear()

    first = client.get("/sv/subscribe")
    after_first = qr_svg.cache_info()
    second = client.get("/sv/subscribe")
    after_second = qr_svg.cache_info()

    assert (first.status_code, second.status_code) == (200, 200)
    assert after_first.misses > 0 and after_first.hits == 0
    # The second request builds no QR code again (the page itself comes from the page cache).
    assert after_second.misses == after_first.misses
    assert first.get_data() == second.get_data()
