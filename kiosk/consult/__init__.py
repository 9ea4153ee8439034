"""The consult request a patient fills in; its rules live in kiosk.callback_queue.validation."""
