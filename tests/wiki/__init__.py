"""The loopback MediaWiki test wiki: scripts, corpus generator and ground truth, control."""
