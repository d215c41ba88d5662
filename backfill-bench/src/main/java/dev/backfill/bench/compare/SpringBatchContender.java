package dev.backfill.bench.compare;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.StepExecutionListener;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.configuration.support.DefaultBatchConfiguration;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.item.database.JdbcBatchItemWriter;
import org.springframework.batch.item.database.JdbcCursorItemReader;
import org.springframework.batch.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The work done the way a Spring Batch 5 user would write it, without Spring Boot: one job whose
 * manager step is partitioned by day, each partition a chunk-oriented worker step.
 *
 * <ul>
 *   <li>An {@link AnnotationConfigApplicationContext} holding {@link JobConfig}, a
 *       {@link DefaultBatchConfiguration} whose job repository lives in the same database (and pool) as the data,
 *       behind a {@link DataSourceTransactionManager}. The context, and the {@code BATCH_*} metadata tables created
 *       from the scripts in the spring-batch-core jar, are made once per {@link BenchDatabase} (in {@link #reset} or
 *       the first {@link #run}), so a run times the job execution only.
 *   <li>Everything that varies between runs is a job parameter, bound late in step-scoped beans: the day range
 *       ({@code firstDay}, {@code lastDay}) for the {@link Partitioner}, which makes one partition per day;
 *       {@code concurrency} for the {@link TaskExecutorPartitionHandler} (grid size, and a
 *       {@link SimpleAsyncTaskExecutor} limited to that many threads); {@code strategy} for the writer's SQL; and a
 *       random {@code run} id so that every run is a new job instance.
 *   <li>The worker step reads the day with a {@link JdbcCursorItemReader} (its own connection, auto-commit off and
 *       fetch size 1000, so PostgreSQL streams through a cursor rather than loading the day into memory) and writes
 *       chunks of 1000 with a {@link JdbcBatchItemWriter}: a plain {@code INSERT} for append, the engine's upsert
 *       for merge. Each chunk commits in its own transaction together with the step's metadata.
 *   <li>Overwrite deletes the day's rows in a {@link StepExecutionListener#beforeStep} of the worker step.
 * </ul>
 *
 * <p><b>Transactions.</b> Unlike {@link Strategy#OVERWRITE}'s definition, the delete and the inserts do
 * <em>not</em> share a transaction: {@code beforeStep} runs outside any chunk transaction, so the delete commits on
 * its own (auto-commit), and then every chunk of 1000 rows commits separately. While a day is being overwritten,
 * other sessions see it empty, then partly written; a failure part-way leaves it so until the job is restarted
 * (on a restart the listener does not delete again, and the reader resumes after the last committed chunk). The
 * same per-chunk commits apply to append and merge: Spring Batch gives restartability per chunk, not atomicity per
 * day.
 *
 * <p>Pushdown is not supported: Spring Batch has no {@code INSERT … SELECT} step, only read-then-write.
 *
 * <p>Each day in flight holds two pooled connections (the reader's cursor and the chunk transaction), so the pool
 * needs at least {@code 2 × concurrency + 1}. Spring's INFO logging (a line per step) goes through SLF4J; keep it
 * quiet with a logback configuration at WARN.
 *
 * <p>Not thread-safe for concurrent runs; the comparison runs one at a time.
 */
public final class SpringBatchContender implements Contender, AutoCloseable {

  /** Name of the job and of its bean. */
  static final String JOB_NAME = "springBatchBackfill";
  /** Name of the worker step; partition step executions are named {@code dayWorker:<day>}. */
  static final String WORKER_STEP = "dayWorker";
  /** Name of the partitioned manager step. */
  static final String MANAGER_STEP = "dayManager";
  /** Items per chunk (one transaction each) and rows per fetch. */
  static final int CHUNK_SIZE = 1_000;

  /** Spring Batch's metadata tables, children first, as cleared by {@link #reset}. */
  private static final List<String> HISTORY_TABLES = List.of("BATCH_STEP_EXECUTION_CONTEXT",
      "BATCH_JOB_EXECUTION_CONTEXT", "BATCH_STEP_EXECUTION", "BATCH_JOB_EXECUTION_PARAMS", "BATCH_JOB_EXECUTION",
      "BATCH_JOB_INSTANCE");

  private BenchDatabase db;
  private AnnotationConfigApplicationContext context;

  /** Creates the contender; the Spring context is built on first use of a database. */
  public SpringBatchContender() {}

  /**
   * The name in the comparison table.
   *
   * @return {@code spring-batch}
   */
  @Override
  public String name() {
    return "spring-batch";
  }

  /**
   * Every engine; every strategy but pushdown, which Spring Batch has no step for.
   *
   * @param strategy the work
   * @param engine the database
   * @return false for pushdown only
   */
  @Override
  public boolean supports(Strategy strategy, Engine engine) {
    return strategy != Strategy.PUSHDOWN && strategy != Strategy.OVERWRITE_PARTITIONED;
  }

  /**
   * Builds the Spring context for {@code db} if not done yet (creating the metadata tables if missing) and
   * deletes the job history that previous runs left in them.
   *
   * @param db the database
   */
  @Override
  public void reset(BenchDatabase db) {
    context(db);
    JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
    for (String table : HISTORY_TABLES) {
      jdbc.update("DELETE FROM " + table);
    }
  }

  /**
   * Launches the job over every day of the dataset and waits for it.
   *
   * @param db the database, its pool and dataset
   * @param strategy append, overwrite or merge
   * @param concurrency days in flight at once
   * @return rows written: the sum of the worker steps' write counts
   * @throws Exception if the job cannot be launched
   * @throws IllegalStateException if the job ends in any status but {@code COMPLETED}
   */
  @Override
  public long run(BenchDatabase db, Strategy strategy, int concurrency) throws Exception {
    if (!supports(strategy, db.engine())) {
      throw new UnsupportedOperationException("spring-batch has no " + strategy.label() + " step");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency " + concurrency + " must be 1 or more");
    }
    AnnotationConfigApplicationContext ctx = context(db);
    JobParameters parameters = new JobParametersBuilder()
        .addLocalDate("firstDay", db.dataset().firstDay())
        .addLocalDate("lastDay", db.dataset().lastDay())
        .addString("strategy", strategy.name())
        .addLong("concurrency", (long) concurrency)
        .addString("run", UUID.randomUUID().toString())
        .toJobParameters();
    JobExecution execution = ctx.getBean(JobLauncher.class).run(ctx.getBean(JOB_NAME, Job.class), parameters);
    if (execution.getStatus() != BatchStatus.COMPLETED) {
      throw failure(execution);
    }
    return execution.getStepExecutions().stream()
        .filter(step -> step.getStepName().startsWith(WORKER_STEP + ":"))
        .mapToLong(StepExecution::getWriteCount)
        .sum();
  }

  /** Closes the Spring context, if any; the next use builds a new one. Does not close the database. */
  @Override
  public synchronized void close() {
    if (context != null) {
      context.close();
    }
    context = null;
    db = null;
  }

  /** The context for {@code db}, replacing (and closing) one made for another database. */
  private synchronized AnnotationConfigApplicationContext context(BenchDatabase db) {
    if (this.db != db) {
      close();
      createMetadataTables(db);
      AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
      // a plain singleton, not a bean definition: the context must not close the database's pool
      ctx.getBeanFactory().registerSingleton("benchDatabase", db);
      ctx.register(JobConfig.class);
      ctx.refresh();
      this.context = ctx;
      this.db = db;
    }
    return context;
  }

  /** Runs the spring-batch-core schema script for the engine unless {@code BATCH_JOB_INSTANCE} exists. */
  private static void createMetadataTables(BenchDatabase db) {
    // looked up in the metadata rather than queried, so that no driver logs the missing table as an error
    Boolean exists = new JdbcTemplate(db.dataSource()).execute((Connection c) -> {
      try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          if ("BATCH_JOB_INSTANCE".equalsIgnoreCase(rs.getString("TABLE_NAME"))) {
            return true;
          }
        }
        return false;
      }
    });
    if (Boolean.TRUE.equals(exists)) {
      return;
    }
    String platform = switch (db.engine()) {
      case H2 -> "h2";
      case POSTGRES -> "postgresql";
      case MARIADB -> "mariadb";
    };
    new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-" + platform + ".sql"))
        .execute(db.dataSource());
  }

  /**
   * The failure of a job that did not complete: its distinct failures (with their root causes), worker steps'
   * first and each with the number of steps it failed; the first exception as the cause, the others suppressed.
   */
  private static IllegalStateException failure(JobExecution execution) {
    List<Throwable> causes = new ArrayList<>();
    for (StepExecution step : execution.getStepExecutions()) {
      if (step.getStepName().startsWith(WORKER_STEP + ":")) {
        causes.addAll(step.getFailureExceptions());
      }
    }
    execution.getAllFailureExceptions().stream().filter(e -> !causes.contains(e)).forEach(causes::add);
    Map<String, Long> messages = causes.stream()
        .collect(Collectors.groupingBy(SpringBatchContender::describe, LinkedHashMap::new, Collectors.counting()));
    String message = "spring-batch job ended " + execution.getStatus() + " (" + execution.getExitStatus().getExitCode()
        + "): " + (causes.isEmpty()
            ? execution.getExitStatus().getExitDescription()
            : messages.entrySet().stream()
                .map(m -> m.getValue() == 1 ? m.getKey() : m.getKey() + " (" + m.getValue() + " times)")
                .collect(Collectors.joining("; ")));
    IllegalStateException failure = new IllegalStateException(message, causes.isEmpty() ? null : causes.get(0));
    causes.stream().skip(1).forEach(failure::addSuppressed);
    return failure;
  }

  /** The exception and, if it has one, its root cause, which Spring's translated exceptions leave out. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.toString() : e + ", caused by " + root;
  }

  /**
   * One source row as read and written.
   *
   * @param id event id
   * @param day its day
   * @param customerId customer
   * @param amount amount
   * @param region region key
   */
  record Event(long id, Date day, long customerId, BigDecimal amount, String region) {

    /** Maps a row of {@link BenchDatabase#SOURCE_QUERY}. */
    static Event map(ResultSet rs, int rowNum) throws SQLException {
      return new Event(rs.getLong(1), rs.getDate(2), rs.getLong(3), rs.getBigDecimal(4), rs.getString(5));
    }

    /** Binds the five parameters of the insert or upsert, in {@link BenchDatabase#COLUMNS} order. */
    void bind(PreparedStatement ps) throws SQLException {
      ps.setLong(1, id);
      ps.setDate(2, day);
      ps.setLong(3, customerId);
      ps.setBigDecimal(4, amount);
      ps.setString(5, region);
    }
  }

  /**
   * For overwrite, deletes the partition's day from the destination before the worker step's first chunk, in
   * a statement of its own that commits at once (see the class comment). A restarted partition skips it, as its
   * earlier chunks were already written after the delete.
   */
  static final class OverwriteDayListener implements StepExecutionListener {

    private static final String DELETED = "overwrite.deleted";

    private final JdbcTemplate jdbc;

    OverwriteDayListener(DataSource dataSource) {
      this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
      if (!Strategy.OVERWRITE.name().equals(stepExecution.getJobParameters().getString("strategy"))) {
        return;
      }
      ExecutionContext partition = stepExecution.getExecutionContext();
      if (partition.containsKey(DELETED)) {
        return;
      }
      jdbc.update("DELETE FROM " + BenchDatabase.DESTINATION + " WHERE day = ?",
          Date.valueOf(LocalDate.parse(partition.getString("day"))));
      partition.put(DELETED, true);
    }
  }

  /** The job and its infrastructure, on the {@link BenchDatabase} registered in the context. */
  @Configuration(proxyBeanMethods = false)
  static class JobConfig extends DefaultBatchConfiguration {

    private final BenchDatabase db;
    private final PlatformTransactionManager transactionManager;

    JobConfig(BenchDatabase db) {
      this.db = db;
      this.transactionManager = new DataSourceTransactionManager(db.dataSource());
    }

    @Override
    protected DataSource getDataSource() {
      return db.dataSource();
    }

    @Override
    protected PlatformTransactionManager getTransactionManager() {
      return transactionManager;
    }

    @Bean
    Job springBatchBackfill(JobRepository jobRepository, Step dayManager) {
      return new JobBuilder(JOB_NAME, jobRepository).start(dayManager).build();
    }

    @Bean
    Step dayManager(JobRepository jobRepository, Partitioner dayPartitioner,
        TaskExecutorPartitionHandler dayPartitionHandler) {
      return new StepBuilder(MANAGER_STEP, jobRepository)
          .partitioner(WORKER_STEP, dayPartitioner)
          .partitionHandler(dayPartitionHandler)
          .build();
    }

    /** One partition per day from {@code firstDay} to {@code lastDay}, keyed and bound by the ISO date. */
    @Bean
    @StepScope
    Partitioner dayPartitioner(@Value("#{jobParameters['firstDay']}") LocalDate firstDay,
        @Value("#{jobParameters['lastDay']}") LocalDate lastDay) {
      return gridSize -> {
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        firstDay.datesUntil(lastDay.plusDays(1)).forEach(day -> {
          ExecutionContext partition = new ExecutionContext();
          partition.putString("day", day.toString());
          partitions.put(day.toString(), partition);
        });
        return partitions;
      };
    }

    /** Runs the worker step for each partition, at most {@code concurrency} at once. */
    @Bean
    @StepScope
    TaskExecutorPartitionHandler dayPartitionHandler(@Value("#{jobParameters['concurrency']}") Long concurrency,
        Step dayWorker) {
      SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("spring-batch-day-");
      executor.setConcurrencyLimit(concurrency.intValue());
      TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
      handler.setStep(dayWorker);
      handler.setTaskExecutor(executor);
      handler.setGridSize(concurrency.intValue());
      return handler;
    }

    @Bean
    Step dayWorker(JobRepository jobRepository, JdbcCursorItemReader<Event> dayReader,
        JdbcBatchItemWriter<Event> dayWriter) {
      return new StepBuilder(WORKER_STEP, jobRepository)
          .<Event, Event>chunk(CHUNK_SIZE, transactionManager)
          .reader(dayReader)
          .writer(dayWriter)
          .listener(new OverwriteDayListener(db.dataSource()))
          .build();
    }

    /** Streams the partition's day through a server-side cursor on a connection of its own. */
    @Bean
    @StepScope
    JdbcCursorItemReader<Event> dayReader(@Value("#{stepExecutionContext['day']}") String day) {
      return new JdbcCursorItemReaderBuilder<Event>()
          .name("dayReader")
          .dataSource(db.dataSource())
          .sql(BenchDatabase.SOURCE_QUERY)
          .queryArguments(Date.valueOf(LocalDate.parse(day)))
          .rowMapper(Event::map)
          .fetchSize(CHUNK_SIZE)
          .connectionAutoCommit(false)
          // MariaDB Connector/J reports getRow() = 0 while streaming, which this check takes for a moved cursor
          .verifyCursorPosition(db.engine() != Engine.MARIADB)
          .build();
    }

    /** Plain insert for append and overwrite, the engine's upsert by id for merge. */
    @Bean
    @StepScope
    JdbcBatchItemWriter<Event> dayWriter(@Value("#{jobParameters['strategy']}") String strategy) {
      String sql = Strategy.valueOf(strategy) == Strategy.MERGE
          ? db.engine().upsert(BenchDatabase.DESTINATION)
          : "INSERT INTO " + BenchDatabase.DESTINATION + " (" + BenchDatabase.COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
      return new JdbcBatchItemWriterBuilder<Event>()
          .dataSource(db.dataSource())
          .sql(sql)
          .itemPreparedStatementSetter(Event::bind)
          .build();
    }
  }
}
