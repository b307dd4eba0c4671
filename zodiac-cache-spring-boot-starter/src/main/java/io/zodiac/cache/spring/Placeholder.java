package io.zodiac.cache.spring;
class Placeholder {}
