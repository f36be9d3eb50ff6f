package io.floe.ingest.postgres.cdc;

import io.floe.ingest.postgres.cdc.PgOutputMessage.Begin;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Commit;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Delete;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Insert;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Other;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Relation;
import io.floe.ingest.postgres.cdc.PgOutputMessage.RelationColumn;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Truncate;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Update;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes {@code pgoutput} protocol version 1 messages. Written by hand: the format is small and
 * stable, and the only Java decoder of it lives inside Debezium's PostgreSQL connector, which brings
 * Kafka Connect's API and its own offset store with it.
 */
final class PgOutputDecoder {
  private PgOutputDecoder() {}

  static PgOutputMessage decode(ByteBuffer received) {
    // The driver hands over a slice of its read buffer; strings are read from the backing array.
    ByteBuffer buffer = received.hasArray() ? received : copy(received);
    char tag = (char) buffer.get();
    return switch (tag) {
      case 'B' -> new Begin(buffer.getLong(), buffer.getLong(), Integer.toUnsignedLong(buffer.getInt()));
      case 'C' -> {
        buffer.get(); // flags, unused
        yield new Commit(buffer.getLong(), buffer.getLong(), buffer.getLong());
      }
      case 'R' -> relation(buffer);
      case 'I' -> {
        int relation = buffer.getInt();
        expect(buffer, 'N', "insert");
        yield new Insert(relation, tuple(buffer));
      }
      case 'U' -> update(buffer);
      case 'D' -> {
        int relation = buffer.getInt();
        char kind = (char) buffer.get();
        if (kind != 'K' && kind != 'O') {
          throw new IllegalStateException("Invalid pgoutput delete: expected K or O, but was: " + kind);
        }
        yield new Delete(relation, tuple(buffer), kind == 'K');
      }
      case 'T' -> {
        int count = buffer.getInt();
        buffer.get(); // options: CASCADE, RESTART IDENTITY
        List<Integer> relations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          relations.add(buffer.getInt());
        }
        yield new Truncate(relations);
      }
      default -> new Other(tag);
    };
  }

  private static ByteBuffer copy(ByteBuffer received) {
    ByteBuffer copy = ByteBuffer.allocate(received.remaining());
    copy.put(received).flip();
    return copy;
  }

  private static Relation relation(ByteBuffer buffer) {
    int id = buffer.getInt();
    String schema = string(buffer);
    String table = string(buffer);
    char identity = (char) buffer.get();
    int count = Short.toUnsignedInt(buffer.getShort());
    List<RelationColumn> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      boolean key = (buffer.get() & 1) != 0;
      columns.add(new RelationColumn(key, string(buffer), buffer.getInt(), buffer.getInt()));
    }
    return new Relation(id, schema, table, identity, columns);
  }

  private static Update update(ByteBuffer buffer) {
    int relation = buffer.getInt();
    char kind = (char) buffer.get();
    List<Value> before = List.of();
    boolean keyOnly = false;
    if (kind == 'K' || kind == 'O') {
      keyOnly = kind == 'K';
      before = tuple(buffer);
      kind = (char) buffer.get();
    }
    if (kind != 'N') {
      throw new IllegalStateException("Invalid pgoutput update: expected N, but was: " + kind);
    }
    return new Update(relation, before, keyOnly, tuple(buffer));
  }

  private static List<Value> tuple(ByteBuffer buffer) {
    int count = Short.toUnsignedInt(buffer.getShort());
    List<Value> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      char kind = (char) buffer.get();
      switch (kind) {
        case 'n' -> values.add(Value.NULL);
        case 'u' -> values.add(Value.UNCHANGED_TOAST);
        case 't' -> {
          int length = buffer.getInt();
          String text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length,
              StandardCharsets.UTF_8);
          buffer.position(buffer.position() + length);
          values.add(new Value(Value.Kind.TEXT, text));
        }
        default -> throw new IllegalStateException("Invalid pgoutput tuple value kind: " + kind);
      }
    }
    return values;
  }

  private static String string(ByteBuffer buffer) {
    int start = buffer.position();
    int end = start;
    while (buffer.get(end) != 0) {
      end++;
    }
    String value = new String(buffer.array(), buffer.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
    buffer.position(end + 1);
    return value;
  }

  private static void expect(ByteBuffer buffer, char expected, String message) {
    char seen = (char) buffer.get();
    if (seen != expected) {
      throw new IllegalStateException("Invalid pgoutput " + message + ": expected " + expected + ", but was: " + seen);
    }
  }
}
