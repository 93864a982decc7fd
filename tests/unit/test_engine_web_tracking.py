import pytest

from crm_marketing_app.engine import web_tracking as web

KEY = web.purpose_key("site secret", "visitor")


def test_a_token_round_trips_and_carries_the_version():
	token = web.encode_token(KEY, {"d": "Lead", "r": "CRM-LEAD-1", "exp": 2000})
	assert web.decode_token(KEY, token, now=1000) == {"d": "Lead", "r": "CRM-LEAD-1", "exp": 2000, "v": 1}


def test_an_expired_token_identifies_nobody_and_a_token_without_expiry_never_expires():
	assert web.decode_token(KEY, web.encode_token(KEY, {"r": "x", "exp": 1000}), now=1000) is None
	assert web.decode_token(KEY, web.encode_token(KEY, {"s": "site"})) == {"s": "site", "v": 1}


@pytest.mark.parametrize(
	"tamper",
	[
		lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature altered
		lambda t: "eyJyIjoieSJ9" + t[t.index(".") :],  # payload swapped, signature kept
		lambda t: t.replace(".", ""),
		lambda t: t + ".x",
		lambda t: "",
		lambda t: "a" * 3000 + "." + "b",
	],
)
def test_an_altered_or_malformed_token_is_refused(tamper):
	token = web.encode_token(KEY, {"r": "x", "exp": 5000})
	with pytest.raises(web.InvalidToken):
		web.decode_token(KEY, tamper(token), now=1)


def test_a_token_of_another_purpose_key_or_version_is_refused():
	token = web.encode_token(web.purpose_key("site secret", "utm"), {"r": "x"})
	with pytest.raises(web.InvalidToken):
		web.decode_token(KEY, token)
	with pytest.raises(web.InvalidToken):
		web.decode_token(web.purpose_key("another secret", "visitor"), web.encode_token(KEY, {"r": "x"}))


def test_split_url_gives_the_origin_and_the_page_without_query_or_fragment():
	assert web.split_url("HTTPS://Example.COM:8443/a/b?utm_source=x#top") == (
		"https://example.com:8443",
		"https://example.com:8443/a/b",
	)
	assert web.split_url("http://example.com") == ("http://example.com", "http://example.com/")


@pytest.mark.parametrize(
	"url",
	[
		"",
		"javascript:alert(1)",
		"ftp://example.com/a.pdf",
		"http:///nohost",
		"http://user:pw@example.com/",
		"http://[::1/",
		"http://example.com:99999/",
		"http://example.com/two words",
		"http://example.com/<script>",
		"http://example.com/" + "a" * web.MAX_URL_LENGTH,
		None,
	],
)
def test_split_url_refuses_huge_or_malformed_urls(url):
	with pytest.raises(ValueError):
		web.split_url(url)


def test_utm_values_takes_the_four_known_parameters_once_each_and_trims_them():
	url = (
		"https://x.com/?utm_source=news&utm_source=other&utm_medium=+email+&utm_term=t&utm_content="
		+ "c" * 200
	)
	assert web.utm_values(url) == {"utm_source": "news", "utm_medium": "email", "utm_content": "c" * 140}
	assert web.utm_values("https://x.com/page") == {}


def test_downloads_are_files_with_a_listed_extension():
	extensions = web.split_list("pdf, .DOCX\nzip")
	assert extensions == ["pdf", ".DOCX", "zip"]
	assert web.is_download("https://x.com/files/Price.PDF", extensions)
	assert web.is_download("https://x.com/a.docx", extensions)
	assert not web.is_download("https://x.com/files/pdf", extensions)
	assert not web.is_download("https://x.com/page.html", extensions)


def test_excluded_paths_match_whole_segments():
	prefixes = ["/app", "/files/private/"]
	assert web.is_excluded("https://x.com/app", prefixes)
	assert web.is_excluded("https://x.com/app/lead/1", prefixes)
	assert web.is_excluded("https://x.com/files/private/a.pdf", prefixes)
	assert not web.is_excluded("https://x.com/apple", prefixes)
	assert not web.is_excluded("https://x.com/", ["/"])


def test_bots_and_missing_user_agents_are_not_people():
	assert web.is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
	assert web.is_bot("Mozilla/5.0 HeadlessChrome/120.0")
	assert web.is_bot("python-requests/2.31")
	assert web.is_bot(None)
	assert not web.is_bot(
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
	)


def test_the_response_key_is_one_per_person_type_page_and_day():
	key = web.response_key("Lead", "L1", "Website Visit", "https://x.com/a", "2026-12-01")
	assert key == web.response_key("Lead", "L1", "Website Visit", "https://x.com/a", "2026-12-01")
	others = {
		web.response_key("Contact", "L1", "Website Visit", "https://x.com/a", "2026-12-01"),
		web.response_key("Lead", "L2", "Website Visit", "https://x.com/a", "2026-12-01"),
		web.response_key("Lead", "L1", "Downloaded", "https://x.com/a", "2026-12-01"),
		web.response_key("Lead", "L1", "Website Visit", "https://x.com/b", "2026-12-01"),
		web.response_key("Lead", "L1", "Website Visit", "https://x.com/a", "2026-12-02"),
	}
	assert key not in others and len(others) == 5
