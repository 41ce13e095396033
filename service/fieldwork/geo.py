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

# WGS-84, for the scale of a local plane.
_A = 6_378_137.0
_E2 = 6.694_379_990_14e-3


@dataclass(frozen=True)
class LocationResult:
    check: str  # ok, far, stale, unknown
    basis: str | None  # community, street, or None without a usable fix
    distance_m: float | None


@dataclass(frozen=True)
class Plane:
    """An equirectangular plane about one street's own centre, in metres, with the WGS-84
    ellipsoid's scales there. Shapely needs a plane; one plane for a whole city (or one centred
    on another district) stretches east-west distances by the cosine of the latitudes' gap,
    while a street a few km across measured about its own centre stays within centimetres of
    the geodesic figure at a few hundred metres from its edge."""

    lon0: float
    lat0: float
    m_per_deg_lon: float
    m_per_deg_lat: float

    @classmethod
    def about(cls, lon0: float, lat0: float) -> "Plane":
        phi = math.radians(lat0)
        w = math.sqrt(1 - _E2 * math.sin(phi) ** 2)
        meridian = _A * (1 - _E2) / w ** 3  # radius of curvature north-south
        normal = _A / w  # and east-west
        return cls(lon0, lat0, math.radians(1) * normal * math.cos(phi),
                   math.radians(1) * meridian)

    def to_plane(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.m_per_deg_lon, (lat - self.lat0) * self.m_per_deg_lat

    def coords_to_plane(self, coords):
        """shapely.transform's form: an (N, 2) array of lon, lat in, metres out."""
        return (coords - (self.lon0, self.lat0)) * (self.m_per_deg_lon, self.m_per_deg_lat)

    def from_plane(self, x: float, y: float) -> tuple[float, float]:
        return self.lon0 + x / self.m_per_deg_lon, self.lat0 + y / self.m_per_deg_lat


@dataclass(frozen=True)
class StreetShape:
    plane: Plane  # the street's own plane
    polygon: object  # shapely geometry in that plane
    prepared: object
    centroid_lat: float
    centroid_lon: float

    @classmethod
    def of(cls, geometry: dict) -> "StreetShape":
        """A street's shape from its GeoJSON geometry (WGS-84), in a plane about its bounds'
        centre."""
        min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
        plane = Plane.about((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
        polygon = shapely.transform(shape(geometry), plane.coords_to_plane)
        lon, lat = plane.from_plane(polygon.centroid.x, polygon.centroid.y)
        return cls(plane, polygon, prep(polygon), lat, lon)

    def distance_to_edge_m(self, lat: float, lon: float) -> float:
        """0 inside, else metres to the boundary."""
        point = Point(self.plane.to_plane(lon, lat))
        return 0.0 if self.prepared.contains(point) else self.polygon.distance(point)


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
    return {code: StreetShape.of(geometry) for code, geometry in _street_geometries().items()}


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
    return None if street is None else street.distance_to_edge_m(lat, lon)


def random_point_in_street(street_code: str, rng) -> tuple[float, float]:
    """A uniformly random (lat, lon) inside a street (for demo data)."""
    street = street_shapes()[street_code]
    min_x, min_y, max_x, max_y = street.polygon.bounds
    while True:
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if street.polygon.contains(Point(x, y)):
            lon, lat = street.plane.from_plane(x, y)
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
