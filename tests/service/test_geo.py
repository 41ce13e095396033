"""A street's boundary is measured in a plane about the street itself: for a street far from
the shipped district (another city, another latitude) the distance from a phone's fix to the
street's edge agrees with the geodesic distance on WGS-84 to well under a metre."""

import pytest
from geopy.distance import geodesic

from service.fieldwork.geo import (
    StreetShape,
    _street_geometries,
    distance_to_street_edge_m,
    street_shapes,
)


def square(lat: float, lon: float, half_deg: float) -> dict:
    """A GeoJSON square street (about 2 km across at these half widths) centred on lat, lon."""
    ring = [(lon - half_deg, lat - half_deg), (lon + half_deg, lat - half_deg),
            (lon + half_deg, lat + half_deg), (lon - half_deg, lat + half_deg)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def geodesic_to_ring_m(geometry: dict, lat: float, lon: float) -> float:
    """The shortest geodesic distance from the point to the ring's edges (each edge straight
    in longitude and latitude, as GeoJSON draws it), by a ternary search along each edge."""
    ring = geometry["coordinates"][0]
    best = float("inf")
    for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:], strict=False):
        def at(t, lon1=lon1, lat1=lat1, lon2=lon2, lat2=lat2):
            return geodesic((lat, lon), (lat1 + t * (lat2 - lat1),
                                         lon1 + t * (lon2 - lon1))).meters
        low, high = 0.0, 1.0
        for _ in range(80):
            a, b = low + (high - low) / 3, high - (high - low) / 3
            if at(a) < at(b):
                high = b
            else:
                low = a
        best = min(best, at((low + high) / 2))
    return best


# Shanghai, a street at 45°N (Harbin's latitude), and one near the Arctic circle.
@pytest.mark.parametrize("lat, lon", [(31.23, 121.47), (45.75, 126.63), (65.0, 25.0)])
def test_a_far_street_measures_its_edge_as_the_geodesic_does(lat, lon):
    half = 0.009  # ~1 km north-south
    geometry = square(lat, lon, half)
    street = StreetShape.of(geometry)
    # A few hundred metres out on every side and past a corner, and one inside.
    points = [(lat + half + 0.003, lon), (lat - half - 0.004, lon + 0.002),
              (lat, lon + half + 0.005), (lat - 0.003, lon - half - 0.004),
              (lat + half + 0.002, lon + half + 0.003), (lat - half - 0.0025, lon - half - 0.001)]
    for point in points:
        expected = geodesic_to_ring_m(geometry, *point)
        assert 150 < expected < 700, expected  # the scale the check works at
        assert street.distance_to_edge_m(*point) == pytest.approx(expected, abs=1.0), point
    assert street.distance_to_edge_m(lat + 0.001, lon - 0.002) == 0.0
    # The centroid comes back to the square's centre, up to the plane's own scale.
    assert geodesic((street.centroid_lat, street.centroid_lon), (lat, lon)).meters < 1.0


def test_the_shipped_streets_measure_as_the_geodesic_does():
    """Every shipped street keeps agreeing with the geodesic figure, a few hundred metres
    north and east of its bounds."""
    shapes = street_shapes()
    assert shapes, "the shipped district has street boundaries"
    code, street = next(iter(sorted(shapes.items())))
    geometry = _street_geometries()[code]
    min_lon, min_lat, max_lon, max_lat = street.polygon.bounds
    lon0, lat0 = street.plane.from_plane(min_lon, min_lat)
    lon1, lat1 = street.plane.from_plane(max_lon, max_lat)
    for lat, lon in [(lat1 + 0.003, (lon0 + lon1) / 2), ((lat0 + lat1) / 2, lon1 + 0.004)]:
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        expected = min(geodesic_to_ring_m(
            {"coordinates": [[tuple(c[:2]) for c in polygon[0]]]}, lat, lon)
            for polygon in polygons)
        assert distance_to_street_edge_m(code, lat, lon) == pytest.approx(expected, abs=1.0)
