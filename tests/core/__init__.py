"""Tests of the framework-free core (cors_core): rules R1-R38, policy validation, oracle, CLI."""
