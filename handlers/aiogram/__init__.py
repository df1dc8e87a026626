"""The aiogram adapter: aiogram's Bot and Dispatcher in front of the framework-free runtime."""
