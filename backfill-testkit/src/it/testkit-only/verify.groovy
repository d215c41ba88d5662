// A test that passes because nothing ran proves nothing: the user's tests must have run, each of them.
// Surefire writes a report per test class it ran; a class whose engine is missing from the test
// classpath (jqwik's, Jupiter's) gets none, or one with zero tests.
def expected = ['com.example.orders.OrdersPipelineTest'          : 4,   // @Test + @ParameterizedTest x 3
                'com.example.orders.OrdersPipelinePropertiesTest': 1]   // the @Property
def reports = new File(basedir, 'target/surefire-reports')
expected.each { testClass, tests ->
  def report = new File(reports, "TEST-${testClass}.xml")
  assert report.isFile() : "Surefire ran nothing of ${testClass}: no ${report}"
  def suite = (report.text =~ /<testsuite\b[^>]*>/)[0]
  def count = { String name -> Integer.parseInt((suite =~ /\b${name}="(\d+)"/)[0][1]) }
  assert count('tests') == tests : "${testClass}: expected ${tests} tests to run, Surefire reports ${count('tests')}"
  ['failures', 'errors', 'skipped'].each { kind ->
    assert count(kind) == 0 : "${testClass}: ${count(kind)} ${kind}"
  }
}

// jqwik reports a property as one test however many tries ran; the property counts its own tries.
def tries = new File(basedir, 'target/property-tries.txt')
assert tries.isFile() : "the @Property never finished its container: no ${tries}"
assert tries.text.trim() == '25' : "expected the @Property to run 25 tries, it ran ${tries.text.trim()}"

println "testkit-only: ${expected.values().sum()} tests ran (the @Property with ${tries.text.trim()} tries)"
return true
