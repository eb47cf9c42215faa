"""samverka: a kommun and the Police run their joint crime-prevention and safety work."""
