"""«Đăng nhập qua cổng định danh của tỉnh»: the UI's half of the sign-in through the province's OpenID provider.

Streamlit runs on the server, so the page cannot receive the provider's answer itself. The button is a plain
link (same tab) to the API's ``/v1/oidc/login?return_to=<this page>``; the API does the authorization-code
flow with PKCE, checks the return address against its allow-list, and sends the browser back here with
``?oidc_code=<one-time code>`` (or ``?oidc_error=<reason>``). This page then takes the code out of the address
bar and swaps it, with the browser's ``tla_oidc_browser`` cookie (set by the API at the start, read here from
the browser's request), for the service's token at ``POST /v1/oidc/exchange``. A code from another browser, a
used or an expired one is refused there.

Settings (environment of the UI):
``ASSISTANT_UI_PUBLIC_API_URL``: the API as the official's browser reaches it (empty: the same host as this
page, as behind the bundled nginx); ``ASSISTANT_UI_PUBLIC_URL``: this page's address as registered in the API's
``ASSISTANT_OIDC_UI_RETURN_URLS`` (empty: the address the browser shows).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ui.api_client import ApiClient, ApiError
from ui.components.style import esc

BUTTON = "Đăng nhập qua cổng định danh của tỉnh"
BROWSER_COOKIE = "tla_oidc_browser"
ERRORS = {  # the API's reason codes on the way back, in words for the official
    "provider_refused": "Cổng định danh của tỉnh không xác nhận đăng nhập. Vui lòng thử lại.",
    "directory_unavailable": "Không kết nối được cổng định danh của tỉnh. Vui lòng thử lại sau ít phút.",
    "directory_misconfigured": "Cấu hình đăng nhập qua cổng định danh bị lỗi. Vui lòng báo quản trị hệ thống.",
    "oidc_state_mismatch": "Phiên đăng nhập không khớp (có thể do mở nhiều lần). Vui lòng đăng nhập lại.",
    "oidc_bad_callback": "Phiên đăng nhập qua cổng định danh đã hết hạn hoặc không còn. Vui lòng đăng nhập lại.",
    "rate_limited": "Bạn đăng nhập quá nhiều lần. Vui lòng chờ một lát rồi thử lại.",
}
UNKNOWN_ERROR = "Đăng nhập qua cổng định danh không thành công. Vui lòng thử lại."


@st.cache_data(ttl=60, show_spinner=False)
def provider_enabled(api_url: str) -> bool:
    """Asked once a minute: the API down means no button, not an error on the sign-in page."""
    try:
        return ApiClient(api_url).oidc_enabled()
    except ApiError:
        return False


def _return_url() -> str:
    return os.environ.get("ASSISTANT_UI_PUBLIC_URL") or st.context.url or ""


def login_link(return_to: str) -> str:
    base = (os.environ.get("ASSISTANT_UI_PUBLIC_API_URL") or "").rstrip("/")
    return f"{base}/v1/oidc/login?{urlencode({'return_to': return_to})}"


def render_button(api_url: str) -> None:
    """The button, when the API has the provider configured and this page knows its own address."""
    return_to = _return_url()
    if not return_to or not provider_enabled(api_url):
        return
    st.markdown(f'<a class="tla-oidc" data-testid="tla-oidc" href="{esc(login_link(return_to))}" '
                f'target="_self">{esc(BUTTON)}</a>', unsafe_allow_html=True)


def take_return(api_url: str) -> dict[str, Any] | None:
    """Back from the provider: the token answer for ``?oidc_code`` (the address bar cleared first, so a reload
    never replays it); an error shown for ``?oidc_error`` or a refused code; None when neither is there."""
    params = st.query_params
    code, reason = params.get("oidc_code"), params.get("oidc_error")
    if not code and not reason:
        return None
    st.query_params.clear()
    if reason:
        st.error(ERRORS.get(str(reason), UNKNOWN_ERROR))
        return None
    browser = st.context.cookies.get(BROWSER_COOKIE) or ""
    try:
        return ApiClient(api_url).oidc_exchange(str(code), browser)
    except ApiError as exc:
        st.error(f"Đăng nhập qua cổng định danh không thành công: {exc.message}")
        return None
