// End-to-end tests of the message timeline view (issue: timeline and client).
