"""Gonghui (工会): the work of a trade union, planned, run, recorded and reported."""
