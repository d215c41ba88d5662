package dev.backfill.web; final class Placeholder {}
