"""Download the emg2pose mini set: resumable, checked, safely extracted."""
