"""Small rules that several use cases share, each said once."""

from service.errors import field_error


def require_one_place(street_code: str | None, community_code: str | None) -> None:
    """A thing that belongs to a street or to a community names exactly one of them."""
    if bool(street_code) == bool(community_code):
        raise field_error("street_code", "请在 street_code 和 community_code 中恰好填写一个")


def require_whole_position(latitude: float | None, longitude: float | None) -> None:
    """A position is a latitude and a longitude together, or neither."""
    if (latitude is None) != (longitude is None):
        raise field_error("longitude" if longitude is None else "latitude",
                          "经度和纬度需同时提供（或同时留空）")
