"""Where a phone's fix stands against a community's point or its street's boundary.

Street boundaries: the district data's *streets_osm.geojson files (the shipped district's:
© OpenStreetMap contributors, ODbL 1.0), WGS-84."""

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import shapely
from geopy.distance import geodesic
from shapely.geometry import Point, shape
from shapely.prepared import prep

from service.district.places import DATA_DIR

BOUNDARIES_SUFFIX = "streets_osm.geojson"
STALE_AFTER = timedelta(minutes=15)
STREET_EDGE_MARGIN_M = 200.0

# The district spans ~10 km: an equirectangular plane about its centre measures distances to a
# polygon edge to well under a metre of the geodesic figure, and shapely needs a plane.
_ORIGIN_LAT, _ORIGIN_LON = 39.91, 116.36
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(_ORIGIN_LAT))


@dataclass(frozen=True)
class LocationResult:
    check: str  # ok, far, stale, unknown
    basis: str | None  # community, street, or None without a usable fix
    distance_m: float | None


@dataclass(frozen=True)
class StreetShape:
    polygon: object  # shapely geometry in the local metric plane
    prepared: object
    centroid_lat: float
    centroid_lon: float


def _to_plane(lon: float, lat: float) -> tuple[float, float]:
    return (lon - _ORIGIN_LON) * _M_PER_DEG_LON, (lat - _ORIGIN_LAT) * _M_PER_DEG_LAT


def _coords_to_plane(coords):
    """shapely.transform's form: an (N, 2) array of lon, lat in, metres out."""
    return (coords - (_ORIGIN_LON, _ORIGIN_LAT)) * (_M_PER_DEG_LON, _M_PER_DEG_LAT)


def _from_plane(x: float, y: float) -> tuple[float, float]:
    return _ORIGIN_LON + x / _M_PER_DEG_LON, _ORIGIN_LAT + y / _M_PER_DEG_LAT


@cache
def _street_geometries() -> dict[str, dict]:
    """Each street's GeoJSON geometry (WGS-84) keyed by its 12-digit code, read once."""
    geometries = {}
    for path in sorted(DATA_DIR.glob(f"*{BOUNDARIES_SUFFIX}")):
        data = json.loads(path.read_text(encoding="utf-8"))
        geometries.update({str(feature["properties"]["adcode"]).ljust(12, "0"):
                           feature["geometry"] for feature in data["features"]})
    return geometries


@cache
def street_shapes() -> dict[str, StreetShape]:
    """Each street's boundary keyed by its 12-digit code, loaded once per process."""
    shapes = {}
    for code, geometry in _street_geometries().items():
        polygon = shapely.transform(shape(geometry), _coords_to_plane)
        lon, lat = _from_plane(polygon.centroid.x, polygon.centroid.y)
        shapes[code] = StreetShape(polygon, prep(polygon), lat, lon)
    return shapes


@cache
def street_rings() -> dict[str, list]:
    """Each street's outer rings as [lon, lat] pairs rounded to about a metre (for phones)."""
    rings = {}
    for code, geometry in _street_geometries().items():
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        rings[code] = [[[round(lon, 5), round(lat, 5)] for lon, lat, *_ in polygon[0]]
                       for polygon in polygons]
    return rings


def distance_to_street_edge_m(street_code: str, lat: float, lon: float) -> float | None:
    """0 inside the street, else metres to its boundary; None for a street without one."""
    street = street_shapes().get(street_code)
    if street is None:
        return None
    point = Point(_to_plane(lon, lat))
    return 0.0 if street.prepared.contains(point) else street.polygon.distance(point)


def random_point_in_street(street_code: str, rng) -> tuple[float, float]:
    """A uniformly random (lat, lon) inside a street (for demo data)."""
    polygon = street_shapes()[street_code].polygon
    min_x, min_y, max_x, max_y = polygon.bounds
    while True:
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if polygon.contains(Point(x, y)):
            lon, lat = _from_plane(x, y)
            return lat, lon


# One WGS-84 geodesic, reused: building one sets up geographiclib's series every time.
_WGS84 = geodesic()


def geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geodesic distance in metres between two WGS-84 (lat, lon) points."""
    return _WGS84.measure(a, b) * 1000


def check_location(*, lat: float | None, lon: float | None, accuracy_m: float | None,
                   fix_at: datetime | None, visited_at: datetime,
                   community_point: tuple[float, float] | None, radius_m: float,
                   street_code: str) -> LocationResult:
    """Judge a fix against the best reference known: the community's point, else its street."""
    if lat is None or lon is None:
        return LocationResult("unknown", None, None)
    if community_point is not None:
        distance = geodesic_m(community_point, (lat, lon))
        near = distance <= radius_m
        basis = "community"
    else:
        street = street_shapes().get(street_code)
        if street is None:
            return LocationResult("unknown", None, None)
        edge = distance_to_street_edge_m(street_code, lat, lon)
        near = edge <= (accuracy_m or 0.0) + STREET_EDGE_MARGIN_M
        distance = geodesic_m((street.centroid_lat, street.centroid_lon), (lat, lon))
        basis = "street"
    distance = round(distance, 1)
    if fix_at is not None and fix_at < visited_at - STALE_AFTER:
        return LocationResult("stale", basis, distance)
    return LocationResult("ok" if near else "far", basis, distance)
