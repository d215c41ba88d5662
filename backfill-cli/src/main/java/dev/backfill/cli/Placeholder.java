package dev.backfill.cli; final class Placeholder {}
