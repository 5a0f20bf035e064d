"""Developer scripts: screenshots and the journeys they share with the snapshot tests."""
