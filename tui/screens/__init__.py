"""The app's screens: pick → briefing → drill → debrief, and the modals."""
