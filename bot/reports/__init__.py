"""Reports: leads, feedback and engagement in numbers and charts."""
