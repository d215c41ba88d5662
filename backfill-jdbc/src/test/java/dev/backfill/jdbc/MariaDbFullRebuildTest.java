package dev.backfill.jdbc;

import java.util.List;

class MariaDbFullRebuildTest extends AbstractFullRebuildTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  List<String> createTrigger() {
    return List.of("CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW SET NEW.label = NEW.label");
  }

  @Override
  String identityColumn() {
    return ", seq BIGINT NOT NULL AUTO_INCREMENT, KEY (seq)";
  }
}
